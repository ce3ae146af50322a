using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>One entry of the plan's <c>tasks</c>.</summary>
/// <param name="Name">The task's name, e.g. <c>train</c>.</param>
/// <param name="Function">The task runner function that implements it (<c>function</c>), e.g. <c>train_task</c>.</param>
/// <param name="Apply">For a validation task: the model it runs on (<c>kwargs.apply</c>); <see langword="null"/> when not set.</param>
/// <param name="Metrics">The metrics it reports (<c>kwargs.metrics</c>), possibly empty.</param>
/// <param name="Kwargs">All keyword arguments as validated, including <c>apply</c> and <c>metrics</c>.</param>
public sealed record TaskPlan(string Name, string Function, TaskApply? Apply, ImmutableArray<string> Metrics, PlanSettings Kwargs);
