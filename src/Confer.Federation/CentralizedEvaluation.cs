namespace Confer.Federation;

/// <summary>The result of evaluating the global model on the aggregator's own data.</summary>
/// <param name="Loss">The loss.</param>
/// <param name="Metrics">Metrics, e.g. <c>accuracy</c>.</param>
public sealed record CentralizedEvaluation(double Loss, MetricRecord Metrics);
