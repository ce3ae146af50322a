namespace Confer.Core.Metrics;

/// <summary>One metric aggregated over the collaborators that reported it.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Mean">
/// The example-weighted mean Σ nᵢ·vᵢ / Σ nᵢ over the finite values; the plain mean of the finite
/// values when they all came with zero examples; NaN when no value was finite.
/// </param>
/// <param name="Min">The smallest finite value (NaN when none).</param>
/// <param name="Max">The largest finite value (NaN when none).</param>
/// <param name="Count">How many collaborators reported a finite value.</param>
/// <param name="ExampleCount">The examples behind the finite values, Σ nᵢ.</param>
/// <param name="NonFiniteCount">How many reported NaN or infinity (e.g. a diverged loss); those are left out of the other figures.</param>
public sealed record MetricSummary(string Name, double Mean, double Min, double Max, int Count, long ExampleCount, int NonFiniteCount);
