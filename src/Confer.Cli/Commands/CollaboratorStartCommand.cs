using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Plan;
using Microsoft.Extensions.Logging;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer collaborator start -n NAME</c>: runs one collaborator (OpenFL's
/// <c>fx collaborator start</c>) until the aggregator says the federation is over.
/// </summary>
internal static class CollaboratorStartCommand
{
    public static Command Create()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var name = new Option<string>("--name", "-n") { Description = "The collaborator's name (its certificate's common name).", Required = true };
        var aggregator = new Option<string?>("--aggregator") { Description = "The aggregator's address, e.g. https://agg.example.org:50051 (default: the plan's network.agg_addr and agg_port)." };
        var insecure = new Option<bool>("--insecure") { Description = "PLAINTEXT, no TLS: only for local experiments, and only when the plan says tls: false and insecure: true." };
        var command = new Command("start", "Run a collaborator: connect to the aggregator, run the plan's tasks on local data, send the results.")
        {
            workspace, name, aggregator, insecure,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = FederationConsole.CreateLoggerFactory();
            var logger = loggerFactory.CreateLogger("Confer.Collaborator");
            try
            {
                var address = parse.GetValue(aggregator);
                var options = new CollaboratorOptions
                {
                    WorkspaceDirectory = Path.GetFullPath(parse.GetValue(workspace)!),
                    Name = parse.GetValue(name)!,
                    AggregatorAddress = address is null ? null : new Uri(address),
                    Insecure = parse.GetValue(insecure),
                    PlanRegistry = LifecyclePlanTypes.CreateRegistry(),
                    Catalog = FederationConsole.CreateCatalog(),
                    LoggerFactory = loggerFactory,
                };
                return await CollaboratorHost.RunAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Collaborator stopped before the federation finished.");
                return 130;
            }
            catch (Exception ex) when (ex is PlanValidationException or PlanFrozenException or PkiException or InvalidOperationException or IOException or Polly.Timeout.TimeoutRejectedException)
            {
                logger.LogError("{Message}", ex is PlanValidationException pv ? string.Join(Environment.NewLine, pv.Problems) : ex.Message);
                return 1;
            }
        });
        return command;
    }
}
