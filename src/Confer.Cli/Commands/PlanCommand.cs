using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Confer.Cli.Commands.Lifecycle;
using Confer.Core;
using Confer.Pki;
using Confer.Plan;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer plan</c>: OpenFL's <c>fx plan</c>. <c>initialize</c> sets the aggregator's address and
/// writes the random initial model, <c>print</c> shows the merged plan, <c>freeze</c> fixes it with
/// its hash.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var command = new Command("plan", "Initialize, print and freeze the federation's plan (OpenFL's `fx plan`).");
        command.Subcommands.Add(InitializeCommand());
        command.Subcommands.Add(PrintCommand());
        command.Subcommands.Add(FreezeCommand());
        return command;
    }

    private static Command InitializeCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var address = new Option<string?>("--aggregator-address", "-a") { Description = "The aggregator's FQDN or IP address collaborators dial (default: keep the plan's, or this machine's FQDN when it says 'auto')." };
        var port = new Option<int?>("--port") { Description = "The aggregator's port (default: keep the plan's agg_port)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the initial weights (default: random, printed)." };
        var command = new Command("initialize", "Set the aggregator's address in the plan, write the random initial model to the plan's init_state_path, and print the plan's hash.")
        {
            workspace, address, port, seed,
        };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            var layout = new WorkspaceLayout(parse.GetValue(workspace)!);
            layout.RequirePlan();
            string planDisplay = layout.Display(layout.PlanFile);
            string original = File.ReadAllText(layout.PlanFile);
            string text = original;
            string? current = PlanFileEditor.ReadNetworkSetting(text, "agg_addr", planDisplay);
            string? requested = parse.GetValue(address);
            string target = requested ?? (current is null or "auto" ? MachineName.Fqdn() : current);
            target = PkiNames.NormalizeAggregatorFqdn(target);
            if (target != current)
            {
                text = PlanFileEditor.SetNetworkSetting(text, "agg_addr", target, planDisplay);
            }

            if (parse.GetValue(port) is int aggPort)
            {
                if (aggPort is < 1 or > 65535)
                {
                    return console.Fail($"--port must be in 1..65535, not {aggPort}.", ExitCodes.Usage);
                }

                string value = PlanFileEditor.FormatPort(aggPort);
                if (PlanFileEditor.ReadNetworkSetting(text, "agg_port", planDisplay) != value)
                {
                    text = PlanFileEditor.SetNetworkSetting(text, "agg_port", value, planDisplay);
                }
            }

            if (text != original)
            {
                if (PlanFreezer.ReadFrozenHash(layout.Directory) is not null)
                {
                    return console.Fail(
                        $"{planDisplay} is frozen, and initializing would change network.settings. Leave out -a/--port to keep them, "
                        + $"or delete {planDisplay}{PlanFreezer.HashFileSuffix}, initialize, and run `confer plan freeze` again.");
                }

                WorkspaceLayout.WriteAtomically(layout.PlanFile, text);
            }

            var types = LifecyclePlanTypes.ForWorkspace(layout.Directory, console.Line, console.Error.WriteLine);
            FederationPlan plan = types.Load(layout.Directory);
            console.Line($"Aggregator address: {plan.Network.AggregatorAddress}:{plan.Network.AggregatorPort}");
            if (text != original)
            {
                console.Wrote(layout.PlanFile, "network.settings updated", layout.Directory);
            }

            int weightsSeed = parse.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue);
            string runner = plan.TaskRunner.Name;
            ModelState state = InitialModels.Create(plan, weightsSeed, types.Catalog);
            string statePath = Path.Combine(layout.Directory, plan.Aggregator.InitStatePath);
            ModelStateSerializer.Save(state, statePath, InitialModels.Metadata(runner, weightsSeed));
            console.Wrote(
                statePath,
                string.Create(CultureInfo.InvariantCulture, $"initial model for {runner}: {state.Count} tensors, {state.ElementCount:N0} values, seed {weightsSeed}"),
                layout.Directory);
            console.Line($"Plan hash (federation id): {plan.Hash}");
            console.Line("Next: `confer workspace certify` (once per federation), then certify the aggregator.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command PrintCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var command = new Command("print", "Print the merged plan (defaults filled in) with its hash, the authorized collaborators and their data.") { workspace };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            var layout = new WorkspaceLayout(parse.GetValue(workspace)!);
            layout.RequirePlan();
            FederationPlan plan = LifecyclePlanTypes.ForWorkspace(layout.Directory, console.Line, console.Error.WriteLine).Load(layout.Directory);
            console.Out.Write(PlanPrinter.Render(plan));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command FreezeCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var force = new Option<bool>("--force") { Description = "Freeze again a frozen plan that was edited since (every collaborator must then accept the new hash)." };
        var command = new Command("freeze", "Rewrite the plan in canonical form and write its SHA-384 to plan/plan.yaml.sha384; later edits are refused.") { workspace, force };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            var layout = new WorkspaceLayout(parse.GetValue(workspace)!);
            layout.RequirePlan();
            var loader = new PlanLoader(LifecyclePlanTypes.ForWorkspace(layout.Directory, console.Line, console.Error.WriteLine).Registry);
            FederationPlan plan;
            try
            {
                plan = loader.Load(layout.Directory);
            }
            catch (PlanFrozenException) when (parse.GetValue(force))
            {
                plan = loader.Load(layout.Directory, new PlanLoadOptions { VerifyFrozenHash = false });
            }

            string? previous = plan.FrozenHash;
            FrozenPlanFiles files = PlanFreezer.Freeze(plan);
            console.Line(previous == files.Hash ? "The plan was already frozen with this hash; rewrote it in canonical form:" : "Froze the plan:");
            console.Wrote(files.PlanPath, "the plan in canonical form, defaults inlined", layout.Directory);
            console.Wrote(files.HashPath, "its SHA-384, sha384sum format", layout.Directory);
            console.Line($"Plan hash (federation id): {files.Hash}");
            return ExitCodes.Success;
        });
        return command;
    }
}
