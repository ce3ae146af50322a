using Confer.Pki;
using Confer.Plan;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Hosting.Internal;

/// <summary>
/// Runs an <see cref="AggregatorHost"/> for the lifetime of the enclosing host: starts it, stops the
/// application with <see cref="FederationOutcome.Finished"/> when the federation is over (or
/// <see cref="FederationOutcome.Failed"/> when it cannot start or fails), and on host shutdown stops
/// serving; the rounds already saved stay, and a restart in the same workspace resumes.
/// </summary>
internal sealed class AggregatorService(AggregatorOptions options, FederationOutcome outcome, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Confer.Aggregator");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var exitCode = FederationOutcome.Failed;
        try
        {
            var effective = options.ConfigureLogging is null
                ? options with { ConfigureLogging = logging => logging.AddProvider(new ForwardingLoggerProvider(loggerFactory)) }
                : options;
            var host = await AggregatorHost.StartAsync(effective, stoppingToken).ConfigureAwait(false);
            await using (host.ConfigureAwait(false))
            {
                await host.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
            }

            exitCode = FederationOutcome.Finished;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            HostingLog.AggregatorStopped(_logger);
            outcome.Set(FederationOutcome.Stopped);
            return;
        }
        catch (Exception ex) when (ex is PlanValidationException or PlanFrozenException or PkiException or InvalidOperationException or IOException)
        {
            HostingLog.Failed(_logger, ex is PlanValidationException pv ? string.Join(Environment.NewLine, pv.Problems) : ex.Message);
        }
#pragma warning disable CA1031 // A hosted service reports any failure as exit code 1 instead of tearing the host down with an unobserved exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HostingLog.Crashed(_logger, "aggregator", ex);
        }

        outcome.Set(exitCode);
        lifetime.StopApplication();
    }
}
