using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>The outcome of a round's fit aggregation (Flower's <c>aggregate_fit</c> return value).</summary>
/// <param name="Parameters">The new global model, or <see langword="null"/> to keep the current one (no results, or failures not accepted).</param>
/// <param name="Metrics">The aggregated fit metrics.</param>
public sealed record FitAggregate(ModelState? Parameters, MetricRecord Metrics);
