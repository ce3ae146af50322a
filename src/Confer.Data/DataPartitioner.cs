using Confer.Data.Internal;

namespace Confer.Data;

/// <summary>
/// Splits a data set's example indices into partitions, one per collaborator, to simulate how
/// data is spread over a federation. Every scheme returns disjoint partitions that together cover
/// every index exactly once, none of them empty; each partition's indices are in ascending order.
/// Seeded schemes give the same partitions for the same seed on every machine and .NET version.
/// </summary>
public static class DataPartitioner
{
    /// <summary>How many times <see cref="Dirichlet(ReadOnlySpan{int}, int, double, int, int)"/> redraws all proportions before it repairs short partitions.</summary>
    public const int DirichletMaxAttempts = 100;

    /// <summary>
    /// IID: a seeded shuffle of all indices, cut into near-equal parts (sizes differ by at most one;
    /// the first <c>count mod partitions</c> partitions hold one more).
    /// </summary>
    /// <param name="count">The number of examples.</param>
    /// <param name="partitions">The number of partitions, at least 1 and at most <paramref name="count"/>.</param>
    /// <param name="seed">The shuffle's seed.</param>
    /// <returns>One ascending index array per partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is below 1 or above <paramref name="count"/>.</exception>
    public static IReadOnlyList<int[]> Iid(int count, int partitions, int seed)
    {
        ValidateCounts(count, partitions, 1);
        int[] order = Enumerable.Range(0, count).ToArray();
        new SeededRandom(seed).Shuffle(order);
        var result = new int[partitions][];
        int start = 0;
        for (int p = 0; p < partitions; p++)
        {
            int size = (count / partitions) + (p < count % partitions ? 1 : 0);
            result[p] = order[start..(start + size)];
            Array.Sort(result[p]);
            start += size;
        }

        return result;
    }

    /// <summary>
    /// Strided, as in OpenFL's tutorials (<c>dataset[rank::n]</c>): partition <c>k</c> gets indices
    /// <c>k, k + n, k + 2n, …</c>. Deterministic without a seed; balanced in labels only when the
    /// data set's order is.
    /// </summary>
    /// <param name="count">The number of examples.</param>
    /// <param name="partitions">The number of partitions <c>n</c>, at least 1 and at most <paramref name="count"/>.</param>
    /// <returns>One ascending index array per partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is below 1 or above <paramref name="count"/>.</exception>
    public static IReadOnlyList<int[]> Strided(int count, int partitions)
    {
        ValidateCounts(count, partitions, 1);
        var result = new int[partitions][];
        for (int p = 0; p < partitions; p++)
        {
            int[] part = new int[((count - p - 1) / partitions) + 1];
            for (int i = 0; i < part.Length; i++)
            {
                part[i] = p + (i * partitions);
            }

            result[p] = part;
        }

        return result;
    }

    /// <summary>
    /// Dirichlet label skew (Hsu, Qi and Brown, 2019; as in Flower's DirichletPartitioner): for each
    /// class, the class's examples are shuffled and cut among the partitions in proportions drawn
    /// from a symmetric Dirichlet(<paramref name="alpha"/>). Small alpha (e.g. 0.1) gives each
    /// partition few classes; large alpha (e.g. 1000) approaches IID.
    /// </summary>
    /// <remarks>
    /// No partition is left with fewer than <paramref name="minPartitionSize"/> examples: when a
    /// draw leaves one short, all proportions are drawn again, up to
    /// <see cref="DirichletMaxAttempts"/> times; if every draw leaves one short (very small alpha
    /// with many partitions), the last draw is repaired by moving examples, one at a time, from
    /// the largest partition to the short ones. The repair always succeeds because
    /// <c>count ≥ partitions × minPartitionSize</c> is required.
    /// </remarks>
    /// <param name="labels">Each example's class label, non-negative.</param>
    /// <param name="partitions">The number of partitions, at least 1.</param>
    /// <param name="alpha">The Dirichlet concentration, finite and greater than 0.</param>
    /// <param name="seed">The seed of the shuffles and proportions.</param>
    /// <param name="minPartitionSize">The fewest examples a partition may hold; at least 1 (the default).</param>
    /// <returns>One ascending index array per partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Alpha is not a finite number above 0, <paramref name="partitions"/> is below 1, or there are fewer than <c>partitions × minPartitionSize</c> examples.</exception>
    /// <exception cref="ArgumentException">A label is negative.</exception>
    public static IReadOnlyList<int[]> Dirichlet(ReadOnlySpan<int> labels, int partitions, double alpha, int seed, int minPartitionSize = 1)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(
                nameof(alpha),
                alpha,
                $"Dirichlet alpha must be a finite number greater than 0 (e.g. 0.1 for strong label skew, 1000 for nearly IID), but it is {alpha}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(minPartitionSize, 1);
        ValidateCounts(labels.Length, partitions, minPartitionSize);
        int[][] byClass = GroupByClass(labels);
        var random = new SeededRandom(seed);
        double[] proportions = new double[partitions];
        List<int>[] parts = [];
        for (int attempt = 0; attempt < DirichletMaxAttempts; attempt++)
        {
            parts = Enumerable.Range(0, partitions).Select(_ => new List<int>()).ToArray();
            foreach (int[] members in byClass)
            {
                int[] shuffled = (int[])members.Clone();
                random.Shuffle(shuffled);
                random.NextDirichlet(alpha, proportions);
                double cumulative = 0;
                int start = 0;
                for (int p = 0; p < partitions; p++)
                {
                    cumulative += proportions[p];
                    int end = p == partitions - 1 ? shuffled.Length : Math.Min(shuffled.Length, (int)(cumulative * shuffled.Length));
                    end = Math.Max(end, start);
                    parts[p].AddRange(shuffled.AsSpan(start, end - start));
                    start = end;
                }
            }

            if (parts.All(part => part.Count >= minPartitionSize))
            {
                return Finish(parts);
            }
        }

        Repair(parts, minPartitionSize);
        return Finish(parts);
    }

    /// <inheritdoc cref="Dirichlet(ReadOnlySpan{int}, int, double, int, int)"/>
    public static IReadOnlyList<int[]> Dirichlet(ReadOnlySpan<byte> labels, int partitions, double alpha, int seed, int minPartitionSize = 1) =>
        Dirichlet(Widen(labels), partitions, alpha, seed, minPartitionSize);

    /// <summary>
    /// Shards per client (McMahan et al., 2017, the pathological non-IID split of FedAvg): indices are
    /// sorted by label (ties by index), cut into <c>partitions × shardsPerClient</c> contiguous shards
    /// of near-equal size, and each partition gets <paramref name="shardsPerClient"/> shards chosen by
    /// a seeded shuffle. With 2 shards per client, most partitions hold at most two classes.
    /// </summary>
    /// <param name="labels">Each example's class label.</param>
    /// <param name="partitions">The number of partitions, at least 1.</param>
    /// <param name="shardsPerClient">Shards given to each partition, at least 1.</param>
    /// <param name="seed">The seed of the shard assignment.</param>
    /// <returns>One ascending index array per partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1, or there are fewer examples than shards.</exception>
    public static IReadOnlyList<int[]> Shards(ReadOnlySpan<int> labels, int partitions, int shardsPerClient, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerClient, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        long shardCount = (long)partitions * shardsPerClient;
        if (labels.Length < shardCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(partitions),
                partitions,
                $"Cannot cut {labels.Length} examples into {partitions} partitions × {shardsPerClient} shards = {shardCount} shards: every shard needs at least one example. Use fewer partitions or shards per client.");
        }

        int[] keys = labels.ToArray();
        int[] order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        int[] shardIds = Enumerable.Range(0, (int)shardCount).ToArray();
        new SeededRandom(seed).Shuffle(shardIds);
        var result = new int[partitions][];
        for (int p = 0; p < partitions; p++)
        {
            var part = new List<int>();
            for (int k = 0; k < shardsPerClient; k++)
            {
                int shard = shardIds[(p * shardsPerClient) + k];
                int start = (int)(shard * (long)order.Length / shardCount);
                int end = (int)((shard + 1) * (long)order.Length / shardCount);
                part.AddRange(order.AsSpan(start, end - start));
            }

            result[p] = [.. part];
            Array.Sort(result[p]);
        }

        return result;
    }

    /// <inheritdoc cref="Shards(ReadOnlySpan{int}, int, int, int)"/>
    public static IReadOnlyList<int[]> Shards(ReadOnlySpan<byte> labels, int partitions, int shardsPerClient, int seed) =>
        Shards(Widen(labels), partitions, shardsPerClient, seed);

    internal static int[] Widen(ReadOnlySpan<byte> labels)
    {
        int[] wide = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            wide[i] = labels[i];
        }

        return wide;
    }

    private static void ValidateCounts(int count, int partitions, int minPartitionSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (partitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"The number of partitions must be at least 1, but it is {partitions}.");
        }

        if ((long)partitions * minPartitionSize > count)
        {
            string each = minPartitionSize == 1 ? "at least one example" : $"at least {minPartitionSize} examples";
            throw new ArgumentOutOfRangeException(
                nameof(partitions),
                partitions,
                $"Cannot split {count} examples into {partitions} partitions: every partition needs {each}. Use at most {count / minPartitionSize} partitions, or more data.");
        }
    }

    private static int[][] GroupByClass(ReadOnlySpan<int> labels)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label < 0)
            {
                throw new ArgumentException($"Label {label} at index {i} is negative; class labels must be 0 or more.", nameof(labels));
            }

            if (!groups.TryGetValue(label, out var members))
            {
                members = [];
                groups.Add(label, members);
            }

            members.Add(i);
        }

        return groups.Values.Select(g => g.ToArray()).ToArray();
    }

    private static void Repair(List<int>[] parts, int minPartitionSize)
    {
        for (int p = 0; p < parts.Length; p++)
        {
            while (parts[p].Count < minPartitionSize)
            {
                int donor = 0;
                for (int q = 1; q < parts.Length; q++)
                {
                    if (parts[q].Count > parts[donor].Count)
                    {
                        donor = q;
                    }
                }

                List<int> from = parts[donor];
                parts[p].Add(from[^1]);
                from.RemoveAt(from.Count - 1);
            }
        }
    }

    private static int[][] Finish(List<int>[] parts)
    {
        var result = new int[parts.Length][];
        for (int p = 0; p < parts.Length; p++)
        {
            result[p] = [.. parts[p]];
            Array.Sort(result[p]);
        }

        return result;
    }
}
