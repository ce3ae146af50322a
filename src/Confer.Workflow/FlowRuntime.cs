namespace Confer.Workflow;

/// <summary>Where a flow runs: its participants, and how their tasks are executed.</summary>
public abstract class FlowRuntime
{
    /// <summary>Initializes a runtime.</summary>
    protected FlowRuntime()
    {
    }

    /// <summary>The collaborator names, in the order given (OpenFL's <c>runtime.collaborators</c>).</summary>
    public abstract IReadOnlyList<string> Collaborators { get; }

    /// <summary>Runs <paramref name="flow"/> from <c>Start</c> to <c>End</c>.</summary>
    /// <param name="flow">The flow; it becomes the aggregator's state.</param>
    /// <param name="cancellationToken">Stops the run between tasks.</param>
    /// <returns>The run's identity and egress record.</returns>
    public abstract Task<FlowRunResult> RunAsync(Flow flow, CancellationToken cancellationToken = default);
}
