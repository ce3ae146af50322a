namespace Confer.Workflow;

/// <summary>
/// One attribute that crossed from one participant to another: the unit of the egress record,
/// kept for every run whether or not it is checkpointed.
/// </summary>
/// <param name="Sequence">Position in the run's egress record (0-based; foreach order, then collaborator name order at a join).</param>
/// <param name="FromStep">The step whose <c>Next</c> sent it.</param>
/// <param name="ToStep">The step that received it.</param>
/// <param name="FromParticipant">The sending participant's name.</param>
/// <param name="ToParticipant">The receiving participant's name.</param>
/// <param name="Attribute">The attribute (property) name.</param>
/// <param name="Codec">The codec that encoded it ("null" for a null value).</param>
/// <param name="Size">The encoded size in bytes.</param>
/// <param name="Sha256">SHA-256 of the encoded bytes, 64 lower-case hexadecimal characters.</param>
public sealed record EgressRecord(
    long Sequence,
    string FromStep,
    string ToStep,
    string FromParticipant,
    string ToParticipant,
    string Attribute,
    string Codec,
    long Size,
    string Sha256);
