namespace Confer.Workflow;

/// <summary>A recorded task (Metaflow's <c>Task</c>): one step executed on one participant.</summary>
public sealed class TaskInfo
{
    private readonly RunStore _store;
    private readonly string? _stdoutBlob;
    private readonly string? _stderrBlob;
    private TaskData? _data;

    internal TaskInfo(
        RunStore store,
        FlowRunInfo run,
        long id,
        string step,
        string participant,
        string? input,
        DateTimeOffset startedAt,
        DateTimeOffset endedAt,
        string status,
        string? error,
        string? nextStep,
        string? stdoutBlob,
        string? stderrBlob)
    {
        _store = store;
        Run = run;
        Id = id;
        Step = step;
        Participant = participant;
        Input = input;
        StartedAt = startedAt;
        EndedAt = endedAt;
        Status = status;
        Error = error;
        NextStep = nextStep;
        _stdoutBlob = stdoutBlob;
        _stderrBlob = stderrBlob;
    }

    /// <summary>The run it belongs to.</summary>
    public FlowRunInfo Run { get; }

    /// <summary>The task id, unique in its run, increasing in start order.</summary>
    public long Id { get; }

    /// <summary>The step name.</summary>
    public string Step { get; }

    /// <summary>The participant it ran on.</summary>
    public string Participant { get; }

    /// <summary>The foreach value the task saw as <see cref="Flow.Input"/> (the collaborator name), or <see langword="null"/>.</summary>
    public string? Input { get; }

    /// <summary>When the task started (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the task ended (UTC).</summary>
    public DateTimeOffset EndedAt { get; }

    /// <summary>"completed" or "failed".</summary>
    public string Status { get; }

    /// <summary>The error of a failed task.</summary>
    public string? Error { get; }

    /// <summary>The step its <c>Next</c> went to, or <see langword="null"/> for End or a failed task.</summary>
    public string? NextStep { get; }

    /// <summary>The attributes the task carried forward, decodable by name (Metaflow's <c>task.data</c>).</summary>
    public TaskData Data => _data ??= new TaskData(_store, _store.LoadArtifacts(Run.Id, Id));

    /// <summary>What the task printed to standard output.</summary>
    public string Stdout => _store.ReadText(_stdoutBlob);

    /// <summary>What the task printed to standard error.</summary>
    public string Stderr => _store.ReadText(_stderrBlob);

    /// <inheritdoc/>
    public override string ToString() => $"Task('{Run.FlowName}/{Run.Id}/{Step}/{Id}')";
}
