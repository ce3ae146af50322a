namespace Confer.Federation.Strategies;

/// <summary>
/// Folds clients' metrics into the round's metrics (Flower's <c>MetricsAggregationFn</c>). The
/// list is in the fixed client order. <see cref="MetricsAggregation.WeightedAverage"/> is the
/// usual choice.
/// </summary>
/// <param name="metrics">Each client's example count and metrics.</param>
/// <returns>The aggregated metrics.</returns>
public delegate MetricRecord MetricsAggregationFunction(IReadOnlyList<(long ExampleCount, MetricRecord Metrics)> metrics);
