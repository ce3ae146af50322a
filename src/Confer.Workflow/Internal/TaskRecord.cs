namespace Confer.Workflow.Internal;

/// <summary>One checkpointed task, ready to write.</summary>
internal sealed record TaskRecord(
    long Id,
    string Step,
    string Participant,
    string? Input,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string Status,
    string? Error,
    string? NextStep,
    string Stdout,
    string Stderr,
    IReadOnlyList<EncodedValue> Artifacts);
