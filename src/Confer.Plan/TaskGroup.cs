using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>One task group of the assigner: the tasks run, in order, by its collaborators.</summary>
/// <param name="Name">The group's name, e.g. <c>learning</c>.</param>
/// <param name="Percentage">For <c>RandomGroupedAssigner</c>: the fraction of collaborators in the group, in [0, 1]; <see langword="null"/> otherwise.</param>
/// <param name="Tasks">The task names, each defined in the plan's <c>tasks</c>.</param>
/// <param name="Collaborators">For <c>StaticGroupedAssigner</c>: the group's collaborators; empty otherwise.</param>
public sealed record TaskGroup(string Name, double? Percentage, ImmutableArray<string> Tasks, ImmutableArray<string> Collaborators);
