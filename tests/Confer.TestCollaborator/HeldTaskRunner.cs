using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Microsoft.Extensions.Logging;

namespace Confer.TestCollaborator;

/// <summary>Runs the inner runner, but holds every task of one round until a file exists.</summary>
internal sealed partial class HeldTaskRunner(ITaskRunner inner, int holdRound, string releaseFile, ILogger logger) : ITaskRunner
{
    public async ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Round == holdRound && !File.Exists(releaseFile))
        {
            Holding(logger, request.Task.Name, request.Round);
            while (!File.Exists(releaseFile))
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            Released(logger, request.Task.Name, request.Round);
        }

        return await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => inner.Dispose();

    [LoggerMessage(1, LogLevel.Information, "Holding {Task} of round {Round} until released")]
    private static partial void Holding(ILogger logger, string task, int round);

    [LoggerMessage(2, LogLevel.Information, "Released {Task} of round {Round}")]
    private static partial void Released(ILogger logger, string task, int round);
}
