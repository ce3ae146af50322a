namespace Confer.Plan;

/// <summary>How the aggregator decides a round has enough results.</summary>
public enum StragglerPolicyKind
{
    /// <summary>Every assigned collaborator must report (default).</summary>
    WaitForAll,

    /// <summary>The round closes a fixed time after it starts, once the minimum has reported.</summary>
    CutoffTime,

    /// <summary>The round closes when a fraction of the assigned collaborators, and at least the minimum, has reported.</summary>
    Percentage,
}
