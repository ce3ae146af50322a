using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Federation.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer collaborator start -n NAME</c>: runs one collaborator (OpenFL's
/// <c>fx collaborator start</c>) as a hosted service of a Generic Host, until the aggregator says the
/// federation is over (exit 0), it is refused or gives up (exit 1), or Ctrl-C / SIGTERM (exit 130).
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
            var address = parse.GetValue(aggregator);
            var directory = Path.GetFullPath(parse.GetValue(workspace)!);
            if (!FederationConsole.TryLoadPlanTypes(directory, out var types))
            {
                return ExitCodes.Failed;
            }

            var builder = FederationConsole.CreateHostBuilder();
            builder.Services.AddConferCollaborator(new CollaboratorOptions
            {
                WorkspaceDirectory = directory,
                Name = parse.GetValue(name)!,
                AggregatorAddress = address is null ? null : new Uri(address),
                Insecure = parse.GetValue(insecure),
                PlanRegistry = types.Registry,
                Catalog = types.Catalog,
                Strategies = types.Strategies,
            });
            return await FederationConsole.RunAsync(builder, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
