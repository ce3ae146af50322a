namespace Confer.Core.Metrics;

/// <summary>Aggregates collaborators' metrics in one call; see <see cref="MetricsAccumulator"/> for the rules.</summary>
public static class MetricsAggregation
{
    /// <summary>Per metric name: the example-weighted mean, min, max and count over <paramref name="entries"/>.</summary>
    /// <param name="entries">Each collaborator's metrics and example count.</param>
    /// <returns>One summary per metric name, in ordinal name order.</returns>
    public static IReadOnlyDictionary<string, MetricSummary> Aggregate(IEnumerable<WeightedMetrics> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var accumulator = new MetricsAccumulator();
        foreach (WeightedMetrics entry in entries)
        {
            accumulator.Add(entry);
        }

        return accumulator.Result();
    }

    /// <summary>Only the example-weighted means, by metric name: what Flower's <c>weighted_average</c> returns.</summary>
    /// <param name="entries">Each collaborator's metrics and example count.</param>
    /// <returns>Mean per metric name.</returns>
    public static IReadOnlyDictionary<string, double> WeightedAverage(IEnumerable<WeightedMetrics> entries) =>
        Aggregate(entries).ToDictionary(e => e.Key, e => e.Value.Mean, StringComparer.Ordinal);
}
