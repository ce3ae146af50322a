using Confer.Federation.Strategies;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>A client manager over n clients that records what was asked and returns the first clients.</summary>
internal sealed class FixedClientManager(int count) : IClientManager
{
    public int AvailableCount => count;

    public (int Count, int MinCount)? LastRequest { get; private set; }

    public IReadOnlyList<string> Sample(int sampleCount, int minCount)
    {
        LastRequest = (sampleCount, minCount);
        return sampleCount > count || count < minCount ? [] : Enumerable.Range(0, sampleCount).Select(i => $"c{i}").ToArray();
    }
}
