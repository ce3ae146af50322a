using Confer.Core;

namespace Confer.Federation.TaskRunners;

/// <summary>What a task returns.</summary>
/// <param name="Model">The trained model (a full state; the collaborator turns it into a delta when the plan says <c>delta_updates</c>), or <see langword="null"/> for a task that only measures.</param>
/// <param name="Metrics">Metrics by name; finite values.</param>
/// <param name="ExampleCount">The examples the task used: the weight of its model and metrics.</param>
public sealed record TaskResult(ModelState? Model, IReadOnlyDictionary<string, double> Metrics, long ExampleCount);
