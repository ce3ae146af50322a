using System.Collections.Immutable;
using Confer.Plan;

namespace Confer.Federation.Grpc.Internal;

/// <summary>One round in progress: its global model, who runs which tasks, and the acknowledged results.</summary>
internal sealed class RoundState(int round, GlobalModel model, SortedDictionary<string, ImmutableArray<TaskPlan>> assignments, long startTimestamp)
{
    public int Round { get; } = round;

    public GlobalModel Model { get; } = model;

    public SortedDictionary<string, ImmutableArray<TaskPlan>> Assignments { get; } = assignments;

    public long StartTimestamp { get; } = startTimestamp;

    public Dictionary<(string Collaborator, string Task), StoredResult> Results { get; } = [];

    public HashSet<(string Collaborator, string Task)> Uploading { get; } = [];

    public bool Closed { get; set; }

    public bool IsDone(string collaborator) =>
        Assignments.TryGetValue(collaborator, out var tasks) && tasks.All(t => Results.ContainsKey((collaborator, t.Name)));

    public bool HasPendingTasks(string collaborator) =>
        Assignments.TryGetValue(collaborator, out var tasks) && !tasks.All(t => Results.ContainsKey((collaborator, t.Name)));

    public int ReportedCount => Assignments.Keys.Count(IsDone);
}
