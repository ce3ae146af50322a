using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The collaborator's log lines.</summary>
internal static partial class CollaboratorLog
{
    [LoggerMessage(200, LogLevel.Information, "Collaborator {Collaborator} connecting to {Address} for federation {PlanHash}")]
    public static partial void Connecting(ILogger logger, string collaborator, string address, string planHash);

    [LoggerMessage(201, LogLevel.Warning, "INSECURE: collaborator {Collaborator} talks PLAINTEXT to {Address} (--insecure): its model and identity are not protected. Use this only for local experiments.")]
    public static partial void Insecure(ILogger logger, string collaborator, string address);

    [LoggerMessage(202, LogLevel.Information, "Received tasks for round {Round}: {Tasks}")]
    public static partial void ReceivedTasks(ILogger logger, int round, string tasks);

    [LoggerMessage(203, LogLevel.Information, "Downloaded the global model of round {Round}: {Bytes} bytes, SHA-256 {Sha256}")]
    public static partial void Downloaded(ILogger logger, int round, long bytes, string sha256);

    [LoggerMessage(204, LogLevel.Information, "Task {Task} of round {Round} done: {Metrics} on {Examples} examples; sent {Bytes} model bytes")]
    public static partial void TaskDone(ILogger logger, string task, int round, string metrics, long examples, long bytes);

    [LoggerMessage(205, LogLevel.Warning, "Collaborator {Collaborator} cannot reach the aggregator at {Address} ({Error}); retrying in {Seconds:F1} s")]
    public static partial void Retrying(ILogger logger, string collaborator, string address, string error, double seconds);

    [LoggerMessage(206, LogLevel.Information, "The aggregator says the federation is over; collaborator {Collaborator} exits")]
    public static partial void Quit(ILogger logger, string collaborator);

    [LoggerMessage(207, LogLevel.Error, "The aggregator refused collaborator {Collaborator}: {Status}: {Detail}")]
    public static partial void Refused(ILogger logger, string collaborator, string status, string detail);

    [LoggerMessage(208, LogLevel.Warning, "The aggregator did not take the {Task} result of round {Round}: {Detail}; asking for new tasks")]
    public static partial void ResultNotTaken(ILogger logger, string task, int round, string detail);

    [LoggerMessage(209, LogLevel.Error, "Collaborator {Collaborator} gave up reaching the aggregator at {Address} after {Seconds:F1} s of failed attempts (network.client_reconnect_timeout is {Timeout} s; raise it in the plan to keep trying longer). Last error: {Error}")]
    public static partial void GaveUp(ILogger logger, string collaborator, string address, double seconds, double timeout, string error);

    [LoggerMessage(210, LogLevel.Warning, "Refused the global model of round {Round}: {Reason}; downloading it again (attempt {Attempt} of {Attempts})")]
    public static partial void DownloadRefused(ILogger logger, int round, string reason, int attempt, int attempts);

    [LoggerMessage(212, LogLevel.Error, "The aggregator refused what collaborator {Collaborator} sent: {Status}: {Detail}. The collaborator stops (exit 1): the same task would give the same result and be refused again. Fix the cause (training that diverges to NaN or infinity needs, for example, a lower learning_rate) and start it again; meanwhile a WaitForAll round waits for it, and a CutoffTime or Percentage round can close without it")]
    public static partial void ResultRefused(ILogger logger, string collaborator, string status, string detail);

    [LoggerMessage(213, LogLevel.Warning, "The aggregator asks collaborator {Collaborator} to slow down ({Detail}); retrying in {Seconds:F1} s")]
    public static partial void SlowingDown(ILogger logger, string collaborator, string detail, double seconds);

    [LoggerMessage(214, LogLevel.Error, "The aggregator at {Address} refused the TLS handshake of collaborator {Collaborator}, which presented {Certificate}: the aggregator accepts only certificates issued by its federation's CA ({Error}). Check that this workspace was certified by that federation (confer collaborator certify with its signed package, cert/cert_chain.crt from the same CA), then start the collaborator again")]
    public static partial void HandshakeRefused(ILogger logger, string collaborator, string address, string certificate, string error);

    [LoggerMessage(215, LogLevel.Error, "Task {Task} of round {Round} failed here ({Type}: {Error}); the failure is reported to the aggregator, which counts it as this collaborator's failure of the task")]
    public static partial void TaskFailed(ILogger logger, string task, int round, string type, string error);

    [LoggerMessage(216, LogLevel.Error, "Collaborator {Collaborator} stops (exit 1): {Detail}. Something between it and the aggregator changes the bytes (a proxy, a faulty link); fix the path and start it again")]
    public static partial void ModelUnusable(ILogger logger, string collaborator, string detail);

    [LoggerMessage(217, LogLevel.Warning, "Plan: {Warning}")]
    public static partial void PlanWarning(ILogger logger, string warning);

    [LoggerMessage(211, LogLevel.Warning, "Collaborator {Collaborator} missed round {Round}: {Detail}; asking for new tasks")]
    public static partial void RoundMovedOn(ILogger logger, string collaborator, int round, string detail);
}
