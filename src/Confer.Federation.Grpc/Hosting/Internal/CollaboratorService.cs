using Confer.Pki;
using Confer.Plan;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Hosting.Internal;

/// <summary>
/// Runs a collaborator (<see cref="CollaboratorHost.RunAsync"/>) for the lifetime of the enclosing
/// host: stops the application with <see cref="FederationOutcome.Finished"/> when the aggregator
/// says the federation is over, <see cref="FederationOutcome.Failed"/> when it is refused or gives
/// up reconnecting; on host shutdown the running task is cancelled.
/// </summary>
internal sealed class CollaboratorService(CollaboratorOptions options, FederationOutcome outcome, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Confer.Collaborator");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var exitCode = FederationOutcome.Failed;
        try
        {
            var effective = options.LoggerFactory is null ? options with { LoggerFactory = loggerFactory } : options;
            exitCode = await CollaboratorHost.RunAsync(effective, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            HostingLog.CollaboratorStopped(_logger, options.Name);
            outcome.Set(FederationOutcome.Stopped);
            return;
        }
        catch (Exception ex) when (ex is PlanValidationException or PlanFrozenException or PkiException or InvalidOperationException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            HostingLog.Failed(_logger, ex is PlanValidationException pv ? string.Join(Environment.NewLine, pv.Problems) : ex.Message);
        }
#pragma warning disable CA1031 // A hosted service reports any failure as exit code 1 instead of tearing the host down with an unobserved exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HostingLog.Crashed(_logger, $"collaborator {options.Name}", ex);
        }

        outcome.Set(exitCode);
        lifetime.StopApplication();
    }
}
