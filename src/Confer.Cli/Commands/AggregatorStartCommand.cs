using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Plan;
using Microsoft.Extensions.Logging;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer aggregator start</c>: runs the aggregator of the workspace (OpenFL's
/// <c>fx aggregator start</c>) until every round is trained and the collaborators were told to quit.
/// </summary>
internal static class AggregatorStartCommand
{
    public static Command Create()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var fqdn = new Option<string?>("--fqdn") { Description = "The name in the aggregator's certificate (default: the plan's network.agg_addr)." };
        var port = new Option<int?>("--port") { Description = "Listen on this port instead of the plan's network.agg_port (0: any free port)." };
        var insecure = new Option<bool>("--insecure") { Description = "PLAINTEXT, no TLS, no client certificates: only for local experiments, and only when the plan says tls: false and insecure: true." };
        var command = new Command("start", "Run the aggregator: serve the federation over mutual TLS, run the plan's rounds, save the best and last models.")
        {
            workspace, fqdn, port, insecure,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = FederationConsole.CreateLoggerFactory();
            var logger = loggerFactory.CreateLogger("Confer.Aggregator");
            try
            {
                var options = new AggregatorOptions
                {
                    WorkspaceDirectory = Path.GetFullPath(parse.GetValue(workspace)!),
                    Fqdn = parse.GetValue(fqdn),
                    Port = parse.GetValue(port),
                    Insecure = parse.GetValue(insecure),
                    PlanRegistry = LifecyclePlanTypes.CreateRegistry(),
                    ConfigureLogging = FederationConsole.Configure,
                };
                var host = await AggregatorHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
                await using (host.ConfigureAwait(false))
                {
                    await host.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                    return 0;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Aggregator stopped before the federation finished; start it again in the same workspace to resume.");
                return 130;
            }
            catch (Exception ex) when (ex is PlanValidationException or PlanFrozenException or PkiException or InvalidOperationException or IOException)
            {
                logger.LogError("{Message}", ex is PlanValidationException pv ? string.Join(Environment.NewLine, pv.Problems) : ex.Message);
                return 1;
            }
        });
        return command;
    }
}
