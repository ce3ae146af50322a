using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>The plan's <c>assigner</c>.</summary>
/// <param name="Name">The registered assigner name, e.g. <c>RandomGroupedAssigner</c>.</param>
/// <param name="TaskGroups">The task groups, in plan order (the order the assigner fills them).</param>
/// <param name="Settings">All settings as validated.</param>
public sealed record AssignerPlan(string Name, ImmutableArray<TaskGroup> TaskGroups, PlanSettings Settings);
