using Confer.Federation.Strategies;

namespace Confer.Federation.Controllers.Internal;

/// <summary>
/// Samples clients with a generator seeded from (run seed, round, phase), so a round's selection
/// does not depend on what earlier rounds drew, and returns them in the channel's order, the
/// fixed fold order. Sampling k of n clients takes O(k) memory (Floyd's algorithm), not O(n).
/// </summary>
internal sealed class SeededClientManager(IReadOnlyList<string> clients, int seed, int round, RoundPhase phase) : IClientManager
{
    public int AvailableCount => clients.Count;

    public IReadOnlyList<string> Sample(int count, int minCount)
    {
        int n = clients.Count;
        if (count <= 0 || n < minCount || n < count)
        {
            return [];
        }

        int[] chosen = SampleIndices(n, count, new Random(MixSeed(seed, round, phase)));
        var ids = new string[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            ids[i] = clients[chosen[i]];
        }

        return ids;
    }

    internal static int[] SampleIndices(int n, int k, Random random)
    {
        if (k == n)
        {
            return Enumerable.Range(0, n).ToArray();
        }

        var set = new HashSet<int>(k);
        for (int j = n - k; j < n; j++)
        {
            int t = random.Next(j + 1);
            set.Add(set.Contains(t) ? j : t);
        }

        int[] result = [.. set];
        Array.Sort(result);
        return result;
    }

    internal static int MixSeed(int seed, int round, RoundPhase phase)
    {
        // SplitMix64 finaliser: nearby (seed, round) pairs give unrelated generator states.
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)(uint)round << 4) ^ (ulong)phase);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)z);
    }
}
