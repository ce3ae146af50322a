using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The plan type registry the lifecycle commands validate plans with: the built-in assigners,
/// strategies and straggler policies, plus the task runners and data loaders Confer ships
/// (<c>echo</c> and <c>torch_cnn</c>; <c>none</c> and <c>fashion_mnist</c>). A name that some
/// registration already holds (the runners' own, once added here) is left to it, so the schemas
/// the aggregator and collaborators run with are the ones plans are checked against.
/// </summary>
internal static class LifecyclePlanTypes
{
    public const string EchoRunner = "echo";
    public const string TorchCnnRunner = "torch_cnn";
    public const string NoDataLoader = "none";
    public const string FashionMnistLoader = "fashion_mnist";

    public static PlanTypeRegistry CreateRegistry()
    {
        var registry = PlanTypeRegistry.CreateDefault();
        RegisterIfMissing(registry, PlanComponentKind.TaskRunner, EchoRunner, r => r.RegisterTaskRunner(
            EchoRunner,
            new SettingsSchema(
            [
                SettingDefinition.Integer("model_size", InitialModels.DefaultEchoSize, 1, int.MaxValue / 4, "float32 values of the initial model"),
                SettingDefinition.Integer("tensor_count", 1, 1, 1024, "tensors the values are split into"),
            ]),
            new Dictionary<string, SettingsSchema>
            {
                ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000, "ignored")]),
                ["validate_task"] = SettingsSchema.Empty,
            },
            "Returns its input: for tests and benchmarks of the federation itself."));
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
        RegisterIfMissing(registry, PlanComponentKind.DataLoader, NoDataLoader, r => r.RegisterDataLoader(
            NoDataLoader, SettingsSchema.Empty, "No data: for task runners that need none (echo)."));
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
