using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Federation.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer aggregator start</c>: runs the aggregator of the workspace (OpenFL's
/// <c>fx aggregator start</c>) as a hosted service of a Generic Host, until every round is trained
/// and the collaborators were told to quit (exit 0), or Ctrl-C / SIGTERM (exit 130; a new start resumes).
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
            var directory = Path.GetFullPath(parse.GetValue(workspace)!);
            if (!FederationConsole.TryLoadPlanTypes(directory, out var types))
            {
                return ExitCodes.Failed;
            }

            var builder = FederationConsole.CreateHostBuilder();
            builder.Services.AddConferAggregator(new AggregatorOptions
            {
                WorkspaceDirectory = directory,
                Fqdn = parse.GetValue(fqdn),
                Port = parse.GetValue(port),
                Insecure = parse.GetValue(insecure),
                PlanRegistry = types.Registry,
                Catalog = types.Catalog,
                Strategies = types.Strategies,
            });
            var exitCode = await FederationConsole.RunAsync(builder, cancellationToken).ConfigureAwait(false);
            if (exitCode == 0)
            {
                PlotMetrics(directory, types);
            }

            return exitCode;
        });
        return command;
    }

    // With write_logs, the finished run's metrics file gets its plot.
    private static void PlotMetrics(string directory, LifecyclePlanTypes types)
    {
        var plan = types.Load(directory);
        var metrics = Path.Combine(directory, AggregatorMetrics.RelativePath);
        if (!plan.Aggregator.WriteLogs || !File.Exists(metrics))
        {
            return;
        }

        var png = Path.Combine(directory, MetricsPlot.RelativePath);
        if (MetricsPlot.Write(metrics, png, $"federation {plan.Hash[..12]}: {plan.Aggregator.RoundsToTrain} rounds"))
        {
            Console.WriteLine($"Wrote the per-round metrics plot to {png} (from {metrics})");
        }
    }
}
