namespace Confer.Workflow.Internal;

/// <summary>What running one step on one participant produced, before its Next is checked.</summary>
internal sealed record TaskOutcome(
    long Id,
    StepDefinition Step,
    Participant Participant,
    string? Input,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    PendingNext? Next,
    Exception? Failure,
    TaskOutput? Output);
