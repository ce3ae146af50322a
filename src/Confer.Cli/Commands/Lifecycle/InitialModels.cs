using System.Globalization;
using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Plan;
using Confer.Torch;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The random initial weights <c>confer plan initialize</c> writes, chosen by the plan's task runner:
/// the network the runner trains, so the aggregator's first global model has the right layout.
/// </summary>
internal static class InitialModels
{

    public static ModelState Create(PlanComponent taskRunner, int seed) => taskRunner.Name switch
    {
        LifecyclePlanTypes.TorchCnnRunner => CreateTorchCnn(seed),
        LifecyclePlanTypes.EchoRunner => EchoTaskRunner.Registration.CreateInitialModel(taskRunner.Settings, seed),
        _ => throw new LifecycleException(
            $"Confer has no initial model for task runner '{taskRunner.Name}'. Write the initial state yourself (a ModelState saved with ModelStateSerializer.Save) "
            + "to the plan's aggregator.settings.init_state_path, or use a template whose runner is echo or torch_cnn."),
    };

    public static Dictionary<string, string> Metadata(string taskRunner, int seed) => new(StringComparer.Ordinal)
    {
        ["task_runner"] = taskRunner,
        ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["written_by"] = "confer plan initialize",
    };

    private static ModelState CreateTorchCnn(int seed)
    {
        using OpenFlCnn model = OpenFlCnn.Create(seed);
        return model.GetModelState();
    }
}
