using Confer.Core;

namespace Confer.Federation.Controllers;

/// <summary>
/// Told by the round controller what it commits, in an order that makes a crash at any point
/// safe: what <see cref="RoundAggregated"/> writes is redone if the round is redone, what
/// <see cref="RoundCommitted"/> writes can be rebuilt from the checkpoint (<see cref="RunStarting"/>).
/// A real federation writes the best and last model files and the metrics file here.
/// </summary>
public interface IRoundListener
{
    /// <summary>The run starts (or resumes) at <paramref name="firstRound"/>; repair what a crash left behind the checkpoint.</summary>
    /// <param name="firstRound">The first round to run, from 1.</param>
    /// <param name="global">The global model it starts from (the checkpoint's).</param>
    void RunStarting(int firstRound, ModelState global);

    /// <summary>A round is aggregated; its checkpoint is not written yet.</summary>
    /// <param name="outcome">The round.</param>
    void RoundAggregated(RoundOutcome outcome);

    /// <summary>A round's checkpoint is written: a restart resumes after it.</summary>
    /// <param name="outcome">The round.</param>
    void RoundCommitted(RoundOutcome outcome);
}
