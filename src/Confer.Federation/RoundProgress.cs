namespace Confer.Federation;

/// <summary>A progress report of a running federation, sent after each client task and at the end of each phase and round.</summary>
/// <param name="Round">The round, 1-based (0 while the initial model is evaluated).</param>
/// <param name="Rounds">The number of rounds of the run.</param>
/// <param name="Phase">The stage of the round.</param>
/// <param name="Finished">Client tasks of this phase finished so far (results and failures).</param>
/// <param name="Total">Client tasks of this phase.</param>
/// <param name="Failures">Failures of this phase so far.</param>
/// <param name="Record">The round's record, when <paramref name="Phase"/> is <see cref="RoundPhase.Completed"/>.</param>
public sealed record RoundProgress(int Round, int Rounds, RoundPhase Phase, int Finished, int Total, int Failures, RoundRecord? Record = null);
