using Confer.Federation.Strategies;

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
    [InlineData("fedtrimmedavg", "FedTrimmedAvg")]
    [InlineData("krum", "Krum")]
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
}
