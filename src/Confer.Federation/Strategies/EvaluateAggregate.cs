namespace Confer.Federation.Strategies;

/// <summary>The outcome of a round's distributed evaluation (Flower's <c>aggregate_evaluate</c> return value).</summary>
/// <param name="Loss">The aggregated loss, or <see langword="null"/> when there is none (no results, or failures not accepted).</param>
/// <param name="Metrics">The aggregated evaluate metrics.</param>
public sealed record EvaluateAggregate(double? Loss, MetricRecord Metrics);
