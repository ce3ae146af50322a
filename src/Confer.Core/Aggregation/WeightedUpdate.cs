namespace Confer.Core.Aggregation;

/// <summary>One collaborator's result for aggregation: a model state and its weight.</summary>
/// <param name="State">The model state (full weights, or a delta when the plan uses delta updates).</param>
/// <param name="Weight">The weight, normally the number of training examples. Must be finite and greater than zero.</param>
public readonly record struct WeightedUpdate(ModelState State, double Weight);
