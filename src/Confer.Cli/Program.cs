using System.CommandLine;
using Confer.Cli.Commands;

namespace Confer.Cli;

/// <summary>The <c>confer</c> command: one sub-command per area, each built by its own factory.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Spectre assumes 80 columns when output goes to a file or a CI log, which squeezes the
        // per-round tables into truncated headers; logs have no width limit worth honouring.
        if (Console.IsOutputRedirected)
        {
            Spectre.Console.AnsiConsole.Profile.Width = 160;
        }

        return BuildRootCommand().Parse(args).InvokeAsync();
    }

    /// <summary>Builds the command tree; tests parse against the same tree.</summary>
    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("Confer: federated learning for .NET. Train one model across organisations without moving their data.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(RunsCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(WorkspaceCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(AggregatorCommand.Create());
        root.Subcommands.Add(CollaboratorCommand.Create());
        return root;
    }
}
