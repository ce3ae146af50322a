using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Hosting.Internal;

/// <summary>The log lines of the hosted aggregator and collaborator services.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(300, LogLevel.Warning, "Aggregator stopped before the federation finished; start it again in the same workspace to resume.")]
    public static partial void AggregatorStopped(ILogger logger);

    [LoggerMessage(301, LogLevel.Warning, "Collaborator {Collaborator} stopped before the federation finished.")]
    public static partial void CollaboratorStopped(ILogger logger, string collaborator);

    [LoggerMessage(302, LogLevel.Error, "{Message}")]
    public static partial void Failed(ILogger logger, string message);

    [LoggerMessage(303, LogLevel.Error, "The {Node} failed")]
    public static partial void Crashed(ILogger logger, string node, Exception exception);
}
