using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The aggregator's log lines about what it saved and what it found after a restart.</summary>
internal static partial class DurabilityLog
{
    [LoggerMessage(141, LogLevel.Warning, "The saved federation state belongs to plan {OldHash} (next round {OldRound}), not to this plan {PlanHash}: it was moved, untouched, to {Path}; starting at round 1")]
    public static partial void OtherPlanSetAside(ILogger logger, string oldHash, int oldRound, string planHash, string path);

    [LoggerMessage(142, LogLevel.Warning, "{Directory} held files but no round checkpoint (an older Confer, or files put there by hand): they were moved, untouched, to {Path}; starting at round 1")]
    public static partial void NoCheckpointSetAside(ILogger logger, string directory, string path);

    [LoggerMessage(143, LogLevel.Information, "Removed the stored results of round {Round}: the round checkpoint says it was aggregated before the restart")]
    public static partial void AggregatedRoundRemoved(ILogger logger, int round);

    [LoggerMessage(144, LogLevel.Information, "Rewrote the last model of round {Round} to {Path} from the round checkpoint: the restart found it missing or older")]
    public static partial void LastRestored(ILogger logger, int round, string path);

    [LoggerMessage(145, LogLevel.Warning, "Fault injection armed: {Fault} ({Variable} is a test facility; unset it in production)")]
    public static partial void FaultArmed(ILogger logger, string fault, string variable);
}
