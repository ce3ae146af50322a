using Microsoft.Extensions.Logging;

namespace Confer.Federation.Controllers.Internal;

/// <summary>The round controller's log lines, with stable event ids.</summary>
internal static partial class ControllerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Starting {Rounds} rounds of {Strategy} with {Clients} clients, at most {Parallel} at once")]
    public static partial void RunStarting(ILogger logger, int rounds, string strategy, int clients, int parallel);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Initial parameters taken from client {Client}")]
    public static partial void InitialParametersFromClient(ILogger logger, string client);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Round {Round}: {Clients} clients selected to fit")]
    public static partial void FitConfigured(ILogger logger, int round, int clients);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Round {Round}: client {Client} finished {Task} on {Examples} examples in {Milliseconds:F0} ms")]
    public static partial void ClientFinished(ILogger logger, int round, string client, string task, long examples, double milliseconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Round {Round}: client {Client} failed {Task} ({Reason}): {Message}")]
    public static partial void ClientFailed(ILogger logger, int round, string client, string task, FailureReason reason, string message);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Round {Round}: no client selected to fit; the global model is unchanged")]
    public static partial void FitSkipped(ILogger logger, int round);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Round {Round}: fit not aggregated ({Results} results, {Failures} failures); the global model is unchanged")]
    public static partial void FitNotAggregated(ILogger logger, int round, int results, int failures);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Round {Round}: centralized loss {Loss:G6}, metrics {Metrics}")]
    public static partial void CentralizedEvaluated(ILogger logger, int round, double loss, MetricRecord metrics);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Round {Round} done in {Seconds:F2} s: {FitResults} fit results, {FitFailures} fit failures, {EvaluateResults} evaluate results, {EvaluateFailures} evaluate failures")]
    public static partial void RoundCompleted(ILogger logger, int round, double seconds, int fitResults, int fitFailures, int evaluateResults, int evaluateFailures);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Run cancelled during round {Round}")]
    public static partial void RunCancelled(ILogger logger, int round);
}
