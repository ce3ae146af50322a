namespace Confer.Plan;

/// <summary>The plan's <c>straggler_handling_policy</c>: when the aggregator stops waiting for results in a round.</summary>
/// <param name="Kind">The policy (<c>template</c>: <c>WaitForAll</c>, <c>CutoffTime</c> or <c>Percentage</c>; default <c>WaitForAll</c>).</param>
/// <param name="CutoffTime">For <see cref="StragglerPolicyKind.CutoffTime"/>: the time after the round starts (<c>straggler_cutoff_time</c>, seconds); <see langword="null"/> otherwise.</param>
/// <param name="Fraction">For <see cref="StragglerPolicyKind.Percentage"/>: the fraction of assigned collaborators needed, in (0, 1] (<c>percent_collaborators_needed</c>); <see langword="null"/> otherwise.</param>
/// <param name="MinimumReporting">The fewest collaborators that must report before a cut (<c>minimum_reporting</c>, default 1).</param>
public sealed record StragglerPolicy(StragglerPolicyKind Kind, TimeSpan? CutoffTime, double? Fraction, int MinimumReporting)
{
    /// <summary>The default policy: wait for every assigned collaborator.</summary>
    public static StragglerPolicy WaitForAll { get; } = new(StragglerPolicyKind.WaitForAll, null, null, 1);

    /// <summary>
    /// Whether a round may close: always when every assigned collaborator has reported; otherwise
    /// by the policy, and never with fewer than <see cref="MinimumReporting"/> results (capped at
    /// the number assigned, since more can never arrive).
    /// </summary>
    /// <param name="reported">The results received this round.</param>
    /// <param name="assigned">The collaborators assigned tasks this round.</param>
    /// <param name="elapsed">The time since the round started.</param>
    /// <returns>Whether the aggregator may aggregate now and refuse later results for this round.</returns>
    public bool IsRoundComplete(int reported, int assigned, TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reported);
        ArgumentOutOfRangeException.ThrowIfNegative(assigned);
        if (reported >= assigned)
        {
            return true;
        }

        var minimum = Math.Min(MinimumReporting, assigned);
        return Kind switch
        {
            StragglerPolicyKind.CutoffTime => reported >= minimum && elapsed >= CutoffTime,
            // The tolerance keeps 0.3 × 10 (= 3.0000000000000004 in binary) at 3 rather than 4.
            StragglerPolicyKind.Percentage => reported >= Math.Max(minimum, (int)Math.Ceiling((Fraction!.Value * assigned) - 1e-9)),
            _ => false,
        };
    }
}
