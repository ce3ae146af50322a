using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The aggregator's log lines, worded like OpenFL's aggregator where it has one.</summary>
internal static partial class AggregatorLog
{
    [LoggerMessage(100, LogLevel.Information, "Aggregator listening on {Address} for federation {PlanHash} ({Rounds} rounds, collaborators: {Collaborators})")]
    public static partial void Listening(ILogger logger, string address, string planHash, int rounds, string collaborators);

    [LoggerMessage(101, LogLevel.Warning, "INSECURE: the aggregator serves PLAINTEXT without TLS or client certificates (--insecure). Anyone who can reach {Address} can act as any collaborator. Use this only for local experiments.")]
    public static partial void Insecure(ILogger logger, string address);


    [LoggerMessage(103, LogLevel.Information, "Collaborator {Collaborator} is sending task results for {Task}, round {Round}")]
    public static partial void SendingTaskResults(ILogger logger, string collaborator, string task, int round);

    [LoggerMessage(104, LogLevel.Warning, "Refused task results from {Collaborator} for {Task}, round {Round}: {Code}: {Reason}")]
    public static partial void ResultRefused(ILogger logger, string collaborator, string task, int round, string code, string reason);

    [LoggerMessage(105, LogLevel.Warning, "Refused {Method} from {Peer}: {Code}: {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, string peer, string code, string reason);

    [LoggerMessage(106, LogLevel.Warning, "Refused a TLS connection: {Reason}")]
    public static partial void TlsRefused(ILogger logger, string reason);



    [LoggerMessage(109, LogLevel.Information, "Saved the best model with score {Score:F6} to {Path}")]
    public static partial void SavedBest(ILogger logger, double score, string path);

    [LoggerMessage(110, LogLevel.Information, "Saved the last model of round {Round} to {Path}")]
    public static partial void SavedLast(ILogger logger, int round, string path);

    [LoggerMessage(111, LogLevel.Information, "Sending quit to collaborator {Collaborator}: the federation is over")]
    public static partial void TellingToQuit(ILogger logger, string collaborator);


    [LoggerMessage(113, LogLevel.Warning, "Not every collaborator was told to quit within {Seconds} s; missing: {Missing}")]
    public static partial void QuitGraceExpired(ILogger logger, double seconds, string missing);

    [LoggerMessage(114, LogLevel.Information, "Resuming at round {Round} from {Path} with {Results} acknowledged results already stored")]
    public static partial void Resumed(ILogger logger, int round, string path, int results);


    [LoggerMessage(116, LogLevel.Debug, "Stored task results of {Collaborator} for {Task}, round {Round} ({Bytes} bytes) at {Path}")]
    public static partial void ResultStored(ILogger logger, string collaborator, string task, int round, long bytes, string path);

    [LoggerMessage(117, LogLevel.Information, "Collaborator {Collaborator} sent a duplicate of {Task}, round {Round}: already acknowledged, not counted again")]
    public static partial void DuplicateResult(ILogger logger, string collaborator, string task, int round);

    [LoggerMessage(118, LogLevel.Warning, "The upload of {Task} from collaborator {Collaborator}, round {Round} broke off after {Received} of {Bytes} bytes ({Error}); its partial file is removed and nothing of it is counted")]
    public static partial void UploadBrokeOff(ILogger logger, string collaborator, string task, int round, long received, long bytes, string error);

    [LoggerMessage(119, LogLevel.Information, "Held back the upload of {Task} from collaborator {Collaborator}, round {Round} for {Seconds:F2} s in all to keep it to {Rate} bytes/s (network.limits.max_upload_bytes_per_second)")]
    public static partial void UploadPaced(ILogger logger, string collaborator, string task, int round, double seconds, long rate);

    [LoggerMessage(120, LogLevel.Information, "Writing per-round metrics to {Path} (aggregator.settings.write_logs); rows kept from before: rounds before {Round}, {Dropped} rows of later rounds dropped (they are trained again)")]
    public static partial void WritingMetrics(ILogger logger, string path, int round, int dropped);

    [LoggerMessage(122, LogLevel.Warning, "A reply from collaborator {Collaborator} broke off before its header arrived ({Error}); nothing of it is counted")]
    public static partial void UploadBrokeOffBeforeHeader(ILogger logger, string collaborator, string error);

    [LoggerMessage(121, LogLevel.Warning, "Plan: {Warning}")]
    public static partial void PlanWarning(ILogger logger, string warning);
}
