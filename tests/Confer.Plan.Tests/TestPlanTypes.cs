using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>What a workspace assembly would export: a task runner (which applies FedProx's proximal_mu) and a data loader.</summary>
internal sealed class TestPlanTypes : IPlanTypeExporter
{
    public void Register(PlanTypeRegistry registry)
    {
        registry.RegisterTaskRunner(
            "torch_cnn",
            new SettingsSchema(
            [
                SettingDefinition.Number("learning_rate", 0.01, 0, null, minimumExclusive: true),
                SettingDefinition.Number("momentum", 0.0, 0, 1, maximumExclusive: true),
                SettingDefinition.Enum("device", ["cpu", "cuda"], "cpu"),
            ]),
            new Dictionary<string, SettingsSchema>
            {
                ["validate_task"] = SettingsSchema.Empty,
                ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000)]),
            },
            clientSettings: ["proximal_mu"]);
        registry.RegisterDataLoader(
            "mnist_shards",
            new SettingsSchema(
            [
                SettingDefinition.String("data_group_name", "fashion-mnist"),
                SettingDefinition.Boolean("shuffle", true),
            ]));
    }
}
