namespace Confer.Workflow;

/// <summary>A recorded run (Metaflow's <c>Run</c>): its steps, tasks and egress record.</summary>
public sealed class FlowRunInfo
{
    private readonly RunStore _store;
    private IReadOnlyList<TaskInfo>? _tasks;

    internal FlowRunInfo(
        RunStore store,
        long id,
        string flowName,
        DateTimeOffset startedAt,
        DateTimeOffset? endedAt,
        string status,
        string? error,
        string backend,
        bool checkpoint,
        IReadOnlyList<string> collaborators,
        FlowGraph graph)
    {
        _store = store;
        Id = id;
        FlowName = flowName;
        StartedAt = startedAt;
        EndedAt = endedAt;
        Status = status;
        Error = error;
        Backend = backend;
        Checkpoint = checkpoint;
        Collaborators = collaborators;
        Graph = graph;
    }

    /// <summary>The run id.</summary>
    public long Id { get; }

    /// <summary>The flow's name.</summary>
    public string FlowName { get; }

    /// <summary>When the run started (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the run ended (UTC), or <see langword="null"/> while it runs or if its process died.</summary>
    public DateTimeOffset? EndedAt { get; }

    /// <summary>"running", "completed" or "failed".</summary>
    public string Status { get; }

    /// <summary>The error that ended a failed run.</summary>
    public string? Error { get; }

    /// <summary>The backend it ran on ("Sequential" or "Parallel").</summary>
    public string Backend { get; }

    /// <summary>Whether tasks were recorded (checkpoint on).</summary>
    public bool Checkpoint { get; }

    /// <summary>The runtime's collaborator names.</summary>
    public IReadOnlyList<string> Collaborators { get; }

    /// <summary>The flow's step graph as it was when the run started.</summary>
    public FlowGraph Graph { get; }

    /// <summary>Every recorded task in the order they started. Empty when the run was not checkpointed.</summary>
    public IReadOnlyList<TaskInfo> Tasks => _tasks ??= _store.LoadTasks(this);

    /// <summary>The steps that ran, in the order each first ran (Metaflow's <c>list(run)</c>, oldest first).</summary>
    public IReadOnlyList<StepInfo> Steps =>
        Tasks.GroupBy(t => t.Step, StringComparer.Ordinal).Select(g => new StepInfo(g.Key, g.ToArray())).ToArray();

    /// <summary>Every attribute that crossed between participants.</summary>
    public IReadOnlyList<EgressRecord> Egress => _store.LoadEgress(Id);

    /// <summary>A step by name (Metaflow's <c>Step('Flow/run/name')</c>).</summary>
    /// <param name="name">The step name.</param>
    /// <returns>The step.</returns>
    /// <exception cref="KeyNotFoundException">No task of that step was recorded.</exception>
    public StepInfo Step(string name) =>
        Steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException(
            $"Run {Id} has no recorded step '{name}' (recorded: {string.Join(", ", Steps.Select(s => s.Name))}){(Checkpoint ? string.Empty : "; the run was not checkpointed (set Checkpoint = true)")}.");

    /// <inheritdoc/>
    public override string ToString() => $"Run('{FlowName}/{Id}')";
}
