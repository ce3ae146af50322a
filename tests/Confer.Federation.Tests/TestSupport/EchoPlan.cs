using System.Globalization;
using Confer.Core;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>An echo plan in a temporary workspace (plan, cols.yaml, data.yaml, the initial model); removed on dispose.</summary>
internal sealed class EchoPlan : IDisposable
{
    private readonly TaskRunnerCatalog _catalog;

    private EchoPlan(string root, TaskRunnerCatalog catalog)
    {
        Root = root;
        _catalog = catalog;
    }

    public string Root { get; }

    public static EchoPlan Create(IReadOnlyList<string> collaborators, string strategy = "template: fedavg", int rounds = 2, double trainStep = 0.01, string aggregatorSettings = "", TaskRunnerCatalog? catalog = null)
    {
        var root = Directory.CreateTempSubdirectory("confer-echo-plan-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "plan"));
        File.WriteAllText(Path.Combine(root, "plan", "plan.yaml"), string.Create(CultureInfo.InvariantCulture, $$"""
            aggregator:
              settings:
                rounds_to_train: {{rounds}}{{aggregatorSettings}}
            data_loader:
              template: none
            task_runner:
              template: echo
              settings:
                model_size: 40
                train_step: {{trainStep}}
            assigner:
              defaults: plan/defaults/assigner.yaml
            tasks:
              defaults: plan/defaults/tasks_torch.yaml
            strategy:
              {{strategy}}

            """));
        File.WriteAllText(Path.Combine(root, "plan", "cols.yaml"), $"collaborators: [{string.Join(", ", collaborators)}]\n");
        var workspace = new EchoPlan(root, catalog ?? TaskRunnerCatalog.CreateDefault());
        FederationPlan plan = workspace.Load();
        Directory.CreateDirectory(Path.Combine(root, "save"));
        ModelStateSerializer.Save(workspace._catalog.CreateInitialModel(plan, seed: 1), Path.Combine(root, plan.Aggregator.InitStatePath));
        return workspace;
    }

    public FederationPlan Load() => new PlanLoader(_catalog.CreatePlanRegistry()).Load(Root);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
