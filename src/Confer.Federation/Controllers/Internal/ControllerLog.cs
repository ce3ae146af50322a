using Confer.Federation.Messages;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Controllers.Internal;

/// <summary>The round controller's log lines, with stable event ids; the words of OpenFL's aggregator where it has them.</summary>
internal static partial class ControllerLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Starting {Rounds} rounds of {Strategy} with {Clients} nodes")]
    public static partial void RunStarting(ILogger logger, int rounds, string strategy, int clients);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Initial parameters taken from node {Client}")]
    public static partial void InitialParametersFromClient(ILogger logger, string client);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Starting round {Round} of {Rounds}: {Assignments}")]
    public static partial void RoundStarted(ILogger logger, int round, int rounds, string assignments);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Round {Round}: node {Client} finished {Task} on {Examples} examples")]
    public static partial void ClientFinished(ILogger logger, int round, string client, string task, long examples);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Round {Round}: node {Client} failed {Task} ({Reason}): {Message}")]
    public static partial void ClientFailed(ILogger logger, int round, string client, string task, ReasonCode reason, string message);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Round {Round}: no node selected to train; the global model is unchanged")]
    public static partial void FitSkipped(ILogger logger, int round);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Round {Round}: the global model is unchanged: {Why} ({Results} results, {Failures} failures)")]
    public static partial void FitNotAggregated(ILogger logger, int round, string why, int results, int failures);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Round {Round}: centralized loss {Loss:G6}, metrics {Metrics}")]
    public static partial void CentralizedEvaluated(ILogger logger, int round, double loss, MetricRecord metrics);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Round {Round} finished in {Seconds:F4} s ({Results} results, {Aggregated} models aggregated with {Strategy}; {Failures} failures)")]
    public static partial void RoundFinished(ILogger logger, int round, double seconds, int results, int aggregated, string strategy, int failures);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Run cancelled during round {Round}")]
    public static partial void RunCancelled(ILogger logger, int round);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Round {Round} closed by the straggler policy {Policy}: {Reported} of {Assigned} nodes reported; missing: {Missing}")]
    public static partial void RoundCut(ILogger logger, int round, string policy, int reported, int assigned, string missing);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Round {Round}: the {Phase} phase reached its timeout of {Seconds} s; withdrawn from: {Missing}")]
    public static partial void PhaseTimedOut(ILogger logger, int round, string phase, double seconds, string missing);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Resuming at round {Round} of {Rounds} from the round checkpoint (strategy state at step {Steps})")]
    public static partial void ResumedFromCheckpoint(ILogger logger, int round, int rounds, int steps);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Round {Round}: new best model, {Criterion} {Score:F6}")]
    public static partial void NewBest(ILogger logger, int round, string criterion, double score);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Federation finished: {Rounds} rounds trained")]
    public static partial void Finished(ILogger logger, int rounds);
}
