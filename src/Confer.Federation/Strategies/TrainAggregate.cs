using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>The outcome of a round's training aggregation (Flower's <c>aggregate_train</c> return value).</summary>
/// <param name="Parameters">The new global model, or <see langword="null"/> to keep the current one (no results, too few, or failures not accepted).</param>
/// <param name="Metrics">The aggregated training metrics.</param>
public sealed record TrainAggregate(ModelState? Parameters, MetricRecord Metrics)
{
    /// <summary>Why the round kept the current model, when <see cref="Parameters"/> is null (logged by the controller); null otherwise.</summary>
    public string? Skipped { get; init; }
}
