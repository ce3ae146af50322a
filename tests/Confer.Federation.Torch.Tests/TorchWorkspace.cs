using System.Globalization;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace Confer.Federation.Torch.Tests;

/// <summary>A temporary workspace with a torch_cnn / fashion_mnist plan on small slices; removed on dispose.</summary>
internal sealed class TorchWorkspace : IDisposable
{
    private TorchWorkspace(string directory) => Directory = directory;

    public string Directory { get; }

    public static TaskRunnerCatalog Catalog { get; } = TaskRunnerCatalog.CreateDefault().AddTorch();

    public static TorchWorkspace Create(string optTreatment = "RESET", string data = "alpha,1", int maxTrain = 256, int maxTest = 128, string strategy = "defaults: plan/defaults/strategy.yaml", int rounds = 2)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("confer-torch-runner-").FullName;
        string plan = Path.Combine(directory, "plan");
        System.IO.Directory.CreateDirectory(plan);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), string.Create(CultureInfo.InvariantCulture, $$"""
            aggregator:
              settings:
                rounds_to_train: {{rounds}}
            collaborator:
              settings:
                delta_updates: false
                opt_treatment: {{optTreatment}}
            data_loader:
              template: fashion_mnist
              settings:
                collaborator_count: 2
                batch_size: 32
                max_train_examples: {{maxTrain}}
                max_test_examples: {{maxTest}}
            task_runner:
              template: torch_cnn
            network:
              defaults: plan/defaults/network.yaml
            assigner:
              defaults: plan/defaults/assigner.yaml
            tasks:
              defaults: plan/defaults/tasks_torch.yaml
            strategy:
              {{strategy}}
            straggler_handling_policy:
              defaults: plan/defaults/straggler_handling_policy.yaml
            compression_pipeline:
              defaults: plan/defaults/compression_pipeline.yaml

            """));
        File.WriteAllText(Path.Combine(plan, "cols.yaml"), "collaborators: [alpha, beta]\n");
        File.WriteAllText(Path.Combine(plan, "data.yaml"), data + "\n");
        return new TorchWorkspace(directory);
    }

    public FederationPlan Load() => new PlanLoader(Catalog.CreatePlanRegistry()).Load(Directory);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}
