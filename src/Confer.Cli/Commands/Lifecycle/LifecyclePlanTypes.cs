using Confer.Federation.Grpc;
using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The plan type registry the lifecycle commands validate plans with: the built-in assigners,
/// strategies and straggler policies, the task runners of <see cref="TaskRunnerCatalog.CreateDefault"/>
/// (<c>echo</c>, <c>none</c>) with their own schemas, plus the names whose runner is not in that
/// catalog yet (<c>torch_cnn</c>, <c>fashion_mnist</c>). A name the catalog holds is left to it,
/// so the schemas the aggregator and collaborators run with are the ones plans are checked against.
/// </summary>
internal static class LifecyclePlanTypes
{
    public const string EchoRunner = EchoTaskRunner.Name;
    public const string TorchCnnRunner = "torch_cnn";
    public const string NoDataLoader = "none";
    public const string FashionMnistLoader = "fashion_mnist";

    public static PlanTypeRegistry CreateRegistry()
    {
        // The runners that exist register their own schemas; only names still without a runner are declared here.
        PlanTypeRegistry registry = TaskRunnerCatalog.CreateDefault().CreatePlanRegistry();
        RegisterIfMissing(registry, PlanComponentKind.TaskRunner, TorchCnnRunner, r => r.RegisterTaskRunner(
            TorchCnnRunner,
            new SettingsSchema(
            [
                SettingDefinition.Number("learning_rate", 0.01, 0, null, minimumExclusive: true, description: "SGD learning rate."),
                SettingDefinition.Number("momentum", 0.5, 0, 1, maximumExclusive: true, description: "SGD momentum."),
            ]),
            new Dictionary<string, SettingsSchema>
            {
                ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round.")]),
                ["validate_task"] = SettingsSchema.Empty,
            },
            "The OpenFL tutorial CNN (Confer.Torch.OpenFlCnn) trained with SGD in TorchSharp."));
        RegisterIfMissing(registry, PlanComponentKind.DataLoader, FashionMnistLoader, r => r.RegisterDataLoader(
            FashionMnistLoader, SettingsSchema.Empty, "Fashion-MNIST IDX files: a shard of the system copy, or a folder."));
        return registry;
    }

    private static void RegisterIfMissing(PlanTypeRegistry registry, PlanComponentKind kind, string name, Action<PlanTypeRegistry> register)
    {
        if (!registry.TryGet(kind, name, out _))
        {
            register(registry);
        }
    }
}
