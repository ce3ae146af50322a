namespace Confer.Workflow;

/// <summary>What a finished run reports: where it is recorded and what crossed between participants.</summary>
public sealed class FlowRunResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="runId">The run's identifier in the run store.</param>
    /// <param name="flowName">The flow's name.</param>
    /// <param name="storeDirectory">The run store folder.</param>
    /// <param name="taskCount">How many tasks ran.</param>
    /// <param name="egress">The egress record.</param>
    public FlowRunResult(long runId, string flowName, string storeDirectory, int taskCount, IReadOnlyList<EgressRecord> egress)
    {
        RunId = runId;
        FlowName = flowName;
        StoreDirectory = storeDirectory;
        TaskCount = taskCount;
        Egress = egress;
    }

    /// <summary>The run's identifier: microseconds since the Unix epoch at its start, made unique in the store.</summary>
    public long RunId { get; }

    /// <summary>The flow's name (its class name).</summary>
    public string FlowName { get; }

    /// <summary>The run store folder the run is recorded in.</summary>
    public string StoreDirectory { get; }

    /// <summary>How many tasks (step executions on one participant) ran.</summary>
    public int TaskCount { get; }

    /// <summary>Every attribute that crossed between participants, in a deterministic order.</summary>
    public IReadOnlyList<EgressRecord> Egress { get; }
}
