namespace Confer.Workflow.Internal;

/// <summary>What a running step may see of the runtime: which step it is, where it runs, and the Next it asked for.</summary>
internal sealed class TaskScope(StepDefinition step, Participant participant)
{
    public StepDefinition Step { get; } = step;

    public Participant Participant { get; } = participant;

    public PendingNext? Next { get; set; }
}
