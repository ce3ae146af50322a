using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class PlanTypeRegistryTests
{
    [Fact]
    public void CreateDefault_HasTheBuiltInAssignersAndPolicies_StrategiesComeFromTheStrategyRegistry()
    {
        var registry = PlanTypeRegistry.CreateDefault();

        Assert.Equal(["RandomGroupedAssigner", "StaticGroupedAssigner"], registry.GetRegistrations(PlanComponentKind.Assigner).Select(r => r.Name));
        Assert.Empty(registry.GetRegistrations(PlanComponentKind.Strategy));
        Assert.Equal(
            ["fedavg", "fault_tolerant_fedavg", "fedavgm", "fedprox", "fedcurv", "fedadam", "fedyogi", "fedadagrad", "median", "trimmed_mean", "krum", "multi_krum", "geometric_median"],
            registry.Add(Confer.Federation.Strategies.StrategyRegistry.Default).GetRegistrations(PlanComponentKind.Strategy).Select(r => r.Name));
        Assert.Equal(["WaitForAll", "CutoffTime", "Percentage"], registry.GetRegistrations(PlanComponentKind.StragglerPolicy).Select(r => r.Name));
        Assert.Empty(registry.GetRegistrations(PlanComponentKind.TaskRunner));
        Assert.Empty(registry.GetRegistrations(PlanComponentKind.DataLoader));
    }

    [Fact]
    public void TryGet_FindsNamesAndAliasesIgnoringCase()
    {
        var registry = PlanTypeRegistry.CreateDefault().Add(Confer.Federation.Strategies.StrategyRegistry.Default);

        Assert.True(registry.TryGet(PlanComponentKind.Strategy, "FedTrimmedAvg", out var trimmed));
        Assert.Equal("trimmed_mean", trimmed.Name);
        Assert.True(registry.TryGet(PlanComponentKind.Assigner, "openfl.component.RandomGroupedAssigner", out var assigner));
        Assert.Equal("RandomGroupedAssigner", assigner.Name);
        Assert.False(registry.TryGet(PlanComponentKind.TaskRunner, "fedavg", out _));
    }

    [Fact]
    public void Register_ANameTwice_Throws()
    {
        var registry = PlanTypeRegistry.CreateDefault().Add(new TestPlanTypes());

        var exception = Assert.Throws<ArgumentException>(() => registry.RegisterDataLoader("MNIST_SHARDS", SettingsSchema.Empty));

        Assert.Contains("'MNIST_SHARDS' is already registered (by 'mnist_shards')", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_AStragglerPolicy_IsRefusedBecauseTheAggregatorImplementsOnlyTheBuiltIns()
    {
        var registry = PlanTypeRegistry.CreateDefault();

        Assert.Throws<ArgumentException>(() => registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = "Eventually",
            Settings = SettingsSchema.Empty,
        }));
    }

    [Fact]
    public void Register_TaskFunctionsOnAnotherKind_Throws()
    {
        var registry = new PlanTypeRegistry();

        Assert.Throws<ArgumentException>(() => registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.DataLoader,
            Name = "loader",
            Settings = SettingsSchema.Empty,
            TaskFunctions = System.Collections.Immutable.ImmutableDictionary<string, SettingsSchema>.Empty.Add("train_task", SettingsSchema.Empty),
        }));
    }

    [Fact]
    public void SettingsSchema_DuplicateKeyOrRequiredWithDefault_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SettingsSchema([SettingDefinition.Boolean("a", true), SettingDefinition.Boolean("a", false)]));
        Assert.Throws<ArgumentException>(() => new SettingsSchema([SettingDefinition.Boolean("a", true) with { Required = true }]));
        Assert.Throws<ArgumentException>(() => SettingDefinition.Enum("mode", ["x", "y"], "z"));
    }

    [Fact]
    public void DataLoaderSchema_CanRedefineACommonSetting()
    {
        var registry = PlanTypeRegistry.CreateDefault().Add(Confer.Federation.Strategies.StrategyRegistry.Default).Add(new TestPlanTypes());
        registry.RegisterDataLoader("big_batches", new SettingsSchema([SettingDefinition.Integer("batch_size", 1024, 512, 4096)]));
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("template: mnist_shards", "template: big_batches\n  settings: {batch_size: 256}", StringComparison.Ordinal));

        var exception = Assert.Throws<PlanValidationException>(() => new PlanLoader(registry).Load(workspace.Root));

        Assert.Contains("'data_loader.settings.batch_size' must be in [512, 4096], not 256", Assert.Single(exception.Problems).Message, StringComparison.Ordinal);
    }
}
