using Confer.Core.Metrics;
using CoreMetrics = Confer.Core.Metrics.MetricsAggregation;

namespace Confer.Federation.Strategies;

/// <summary>Ready-made <see cref="MetricsAggregationFunction"/>s.</summary>
public static class MetricsAggregation
{
    /// <summary>
    /// The example-weighted average of each metric over the clients that report it (the Flower
    /// tutorial's <c>weighted_average</c>): Σ nᵢ·mᵢ / Σ nᵢ, computed by Confer.Core's metrics
    /// accumulator, which keeps a client's non-finite value out of the mean.
    /// </summary>
    public static MetricsAggregationFunction WeightedAverage { get; } = ComputeWeightedAverage;

    private static MetricRecord ComputeWeightedAverage(IReadOnlyList<(long ExampleCount, MetricRecord Metrics)> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        IReadOnlyDictionary<string, double> means = CoreMetrics.WeightedAverage(metrics.Select(m => new WeightedMetrics(m.Metrics, m.ExampleCount)));
        return new MetricRecord(means.Where(p => double.IsFinite(p.Value)));
    }
}
