using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Strategies;

public class StrategyRegistryTests
{
    [Theory]
    [InlineData("fedavg", "FedAvg")]
    [InlineData("FedAvgM", "FedAvgM")]
    [InlineData("fedadam", "FedAdam")]
    [InlineData("fedyogi", "FedYogi")]
    [InlineData("fedadagrad", "FedAdagrad")]
    [InlineData("fedmedian", "FedMedian")]
    [InlineData("median", "FedMedian")]
    [InlineData("fedtrimmedavg", "FedTrimmedAvg")]
    [InlineData("trimmed_mean", "FedTrimmedAvg")]
    [InlineData("krum", "Krum")]
    [InlineData("geometric_median", "GeometricMedian")]
    [InlineData("FaultTolerantFedAvg", "FedAvg")]
    public void Create_EveryName_GivesThatStrategy(string name, string expected)
    {
        Assert.Equal(expected, StrategyRegistry.Default.Create(name).Name);
    }

    [Fact]
    public void Create_CommonAndOwnKnobs_AreApplied()
    {
        var strategy = (FedAdam)StrategyRegistry.Default.Create("fedadam", new StrategySettings
        {
            FractionFit = 0.3,
            MinFitClients = 7,
            AcceptFailures = false,
            Options = new ConfigRecord([new("eta", 0.02), new("beta_2", 0.9)]),
        });

        Assert.Equal(0.3, strategy.FractionFit);
        Assert.Equal(7, strategy.MinFitClients);
        Assert.False(strategy.AcceptFailures);
        Assert.Equal(0.02, strategy.Eta);
        Assert.Equal(0.9, strategy.Beta2);
        Assert.Equal(0.9, strategy.Beta1);
    }

    [Fact]
    public void Create_FedProxWithoutMu_SaysWhatIsMissing()
    {
        var error = Assert.Throws<ArgumentException>(() => StrategyRegistry.Default.Create("fedprox"));

        Assert.Contains("proximal_mu", error.Message, StringComparison.Ordinal);
        Assert.Equal(0.25, ((FedProx)StrategyRegistry.Default.Create("fedprox", new StrategySettings { Options = new ConfigRecord([new("proximal_mu", 0.25)]) })).ProximalMu);
    }

    [Fact]
    public void Create_UnknownNameOrKnob_ListsTheValidOnes()
    {
        var name = Assert.Throws<ArgumentException>(() => StrategyRegistry.Default.Create("fedsgd"));
        var knob = Assert.Throws<ArgumentException>(() => StrategyRegistry.Default.Create("krum", new StrategySettings { Options = new ConfigRecord([new("eta", 1)]) }));

        Assert.Contains("fedavg", name.Message, StringComparison.Ordinal);
        Assert.Contains("num_malicious_clients", knob.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FromAPlansSection_TakesEveryCollaboratorTheAssignerGives()
    {
        var strategy = (FedAdam)StrategyRegistry.Default.Create(new Confer.Plan.PlanComponent("fedadam", new Confer.Plan.PlanSettings([new("eta", Confer.Plan.PlanValue.FromNumber(0.5)), new("bias_correction", Confer.Plan.PlanValue.FromBoolean(false))])));

        Assert.Equal(0.5, strategy.Eta);
        Assert.False(strategy.BiasCorrection);
        Assert.Equal((1.0, 0.0, 1, 1), (strategy.FractionFit, strategy.FractionEvaluate, strategy.MinFitClients, strategy.MinAvailableClients));
    }

    [Fact]
    public void FaultTolerantFedAvg_KeepsTheModelWhenTooFewTasksGiveAResult()
    {
        var strategy = (FederatedStrategy)StrategyRegistry.Default.Create("fault_tolerant_fedavg");
        ClientFailure[] failures = [new("c1", Confer.Federation.Messages.ReasonCode.Timeout, "late"), new("c2", Confer.Federation.Messages.ReasonCode.Timeout, "late")];

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), failures, ([1f], 1));

        Assert.Equal((0.5, 0.5), (strategy.MinCompletionRateFit, strategy.MinCompletionRateEvaluate));
        Assert.Null(result.Parameters);
        Assert.Contains("only 1 of 3 fit tasks gave a result", result.Skipped, StringComparison.Ordinal);
        Assert.NotNull(StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), failures.Take(1).ToArray(), ([1f], 1)).Parameters);
    }

    [Fact]
    public void Register_AHostsOwnStrategy_IsFoundByNameAndExportedToPlans()
    {
        var registry = StrategyRegistry.CreateDefault().Register(new StrategyRegistration
        {
            Name = "mine",
            Settings = Confer.Plan.SettingsSchema.Empty,
            Create = _ => new FedAvg(),
        });
        var plans = Confer.Plan.PlanTypeRegistry.CreateDefault().Add(registry);

        Assert.IsType<FedAvg>(registry.Create("MINE"));
        Assert.True(plans.TryGet(Confer.Plan.PlanComponentKind.Strategy, "mine", out _));
        Assert.Throws<InvalidOperationException>(() => StrategyRegistry.Default.Register(new StrategyRegistration { Name = "x", Settings = Confer.Plan.SettingsSchema.Empty, Create = _ => new FedAvg() }));
        Assert.Throws<ArgumentException>(() => registry.Register(new StrategyRegistration { Name = "fedavg", Settings = Confer.Plan.SettingsSchema.Empty, Create = _ => new FedAvg() }));
    }

    [Fact]
    public void EtaL_IsNotAnOption_NothingWouldApplyIt()
    {
        var error = Assert.Throws<ArgumentException>(() => StrategyRegistry.Default.Create("fedadam", new StrategySettings { Options = new ConfigRecord([new("eta_l", 0.1)]) }));

        Assert.Contains("no option 'eta_l'", error.Message, StringComparison.Ordinal);
    }
}
