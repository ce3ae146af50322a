using System.Reflection;
using System.Text.RegularExpressions;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// One certified federation of <c>alpha</c>, <c>beta</c> and <c>gamma</c> (the echo template with a
/// small model) for the straggler tests; each test sets its own straggler policy in every workspace.
/// </summary>
public sealed class StragglerFederation : IAsyncLifetime
{
    internal LifecycleFederation Federation { get; private set; } = null!;

    /// <summary>The built test-side collaborator, recorded at build time beside this test assembly.</summary>
    public static string TestCollaboratorPath { get; } = typeof(StragglerFederation).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "ConferTestCollaboratorPath").Value!;

    public async Task InitializeAsync()
    {
        Federation = await LifecycleFederation.CertifyAsync(
            "echo",
            plan => plan.Replace("model_size: 100000", "model_size: 64", StringComparison.Ordinal),
            "alpha",
            "beta",
            "gamma");
    }

    public Task DisposeAsync()
    {
        Federation?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Puts <paramref name="policy"/> (the lines under <c>straggler_handling_policy:</c>) and the
    /// number of rounds in the aggregator's plan, freezes it again, hands the plan to every
    /// collaborator (as the operator would send the new plan), and clears the last run's state.
    /// </summary>
    internal async Task ConfigureAsync(string policy, int rounds)
    {
        string planFile = Path.Combine(Federation.Aggregator, "plan", "plan.yaml");
        string plan = File.ReadAllText(planFile);
        plan = Regex.Replace(plan, @"(?m)^straggler_handling_policy:\n(?:[ \t]+.*\n|\n)*", "straggler_handling_policy:\n" + policy);
        plan = Regex.Replace(plan, @"rounds_to_train: \d+", $"rounds_to_train: {rounds}");
        File.WriteAllText(planFile, plan);
        LifecycleResult frozen = await LifecycleConfer.RunAsync(Federation.Aggregator, "plan", "freeze", "--force");
        Assert.True(frozen.ExitCode == 0, frozen + "\n" + plan);
        foreach (string name in Federation.Collaborators)
        {
            string workspace = Federation.CollaboratorWorkspace(name);
            File.Copy(planFile, Path.Combine(workspace, "plan", "plan.yaml"), overwrite: true);
            File.Copy(planFile + ".sha384", Path.Combine(workspace, "plan", "plan.yaml.sha384"), overwrite: true);
        }

        string save = Path.Combine(Federation.Aggregator, "save");
        if (Directory.Exists(Path.Combine(save, "federation")))
        {
            Directory.Delete(Path.Combine(save, "federation"), recursive: true);
        }

        File.Delete(Path.Combine(save, "echo_best.pbuf"));
        File.Delete(Path.Combine(save, "echo_last.pbuf"));
    }
}
