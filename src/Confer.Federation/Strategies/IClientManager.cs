namespace Confer.Federation.Strategies;

/// <summary>
/// The clients a strategy can choose from in one round (Flower's <c>ClientManager</c>). The
/// controller hands the strategy a manager seeded for that round and phase, so sampling is
/// reproducible.
/// </summary>
public interface IClientManager
{
    /// <summary>The number of clients available.</summary>
    int AvailableCount { get; }

    /// <summary>
    /// Draws <paramref name="count"/> distinct clients uniformly at random, returned in the
    /// channel's client order (the fixed order results are folded in). Returns an empty list when
    /// fewer than <paramref name="minCount"/> or fewer than <paramref name="count"/> clients are available.
    /// </summary>
    /// <param name="count">How many clients to draw.</param>
    /// <param name="minCount">The fewest available clients to draw from at all.</param>
    /// <returns>The client ids.</returns>
    IReadOnlyList<string> Sample(int count, int minCount);
}
