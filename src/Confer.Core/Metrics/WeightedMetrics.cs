namespace Confer.Core.Metrics;

/// <summary>One collaborator's metrics for a task, with the number of examples they were computed on.</summary>
/// <param name="Metrics">Metric values by name, e.g. <c>loss</c>, <c>accuracy</c>.</param>
/// <param name="ExampleCount">The number of examples behind the values; at least 0.</param>
public readonly record struct WeightedMetrics(IReadOnlyDictionary<string, double> Metrics, long ExampleCount);
