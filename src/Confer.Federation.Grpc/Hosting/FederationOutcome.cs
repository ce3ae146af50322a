namespace Confer.Federation.Grpc.Hosting;

/// <summary>
/// How the aggregator or collaborator of a host ended, as a process exit code: registered by
/// <c>AddConferAggregator</c> and <c>AddConferCollaborator</c>, set once by the hosted service
/// before it stops the application.
/// </summary>
public sealed class FederationOutcome
{
    /// <summary>The federation is over: every round was trained (aggregator) or the aggregator said quit (collaborator).</summary>
    public const int Finished = 0;

    /// <summary>The aggregator refused the collaborator, reconnecting gave up, or the node could not start or failed.</summary>
    public const int Failed = 1;

    /// <summary>The host was stopped (Ctrl-C, SIGTERM, <c>StopAsync</c>) before the federation was over.</summary>
    public const int Stopped = 130;

    private readonly TaskCompletionSource<int> _exitCode = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with <see cref="Finished"/>, <see cref="Failed"/> or <see cref="Stopped"/> once the hosted service has ended.</summary>
    public Task<int> ExitCode => _exitCode.Task;

    /// <summary>The exit code when the service has ended, else <see cref="Stopped"/> (the host stopped before the service could say).</summary>
    public int ExitCodeOrStopped => _exitCode.Task.IsCompletedSuccessfully ? _exitCode.Task.Result : Stopped;

    internal void Set(int exitCode) => _exitCode.TrySetResult(exitCode);
}
