using System.Globalization;
using Xunit.Abstractions;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Robust aggregation against model poisoning, with real processes over mutual TLS: five
/// collaborators train the torch_cnn template on Fashion-MNIST; in the poisoned runs one of them
/// (the test-side collaborator) sends global + (−5) × (trained − global) every round, a scaled and
/// sign-flipped update that passes every check of the aggregator. FedAvg follows it and degrades;
/// the coordinate-wise median, the trimmed mean and Krum keep the final accuracy within 2 points
/// of the all-honest FedAvg run (the fixture's reference). The runs follow one another.
/// </summary>
public sealed class RobustAggregationTests(RobustAggregationFederation fixture, ITestOutputHelper output) : IClassFixture<RobustAggregationFederation>
{
    /// <summary>The robust strategies may lose at most this much accuracy to the all-honest run.</summary>
    private const double RobustMargin = 0.02;

    /// <summary>FedAvg with the poisoner must lose at least this much.</summary>
    private const double DegradedBy = 0.10;

    [Fact]
    public void AllHonestFedAvg_ClearlyBeatsChance()
    {
        output.WriteLine(fixture.Reference.ToString());
        Assert.True(fixture.Reference.Accuracy > 0.6, fixture.Reference.ToString());
    }

    [Fact]
    public async Task FedAvg_WithOnePoisoner_Degrades()
    {
        RobustRunOutcome poisoned = await RunPoisonedAsync("fedavg", settings: null);
        Assert.True(
            poisoned.Accuracy <= fixture.Reference.Accuracy - DegradedBy,
            $"FedAvg with a poisoner should lose at least {DegradedBy:F2}: {poisoned}; reference {fixture.Reference}");
    }

    [Theory]
    [InlineData("median", null)]
    [InlineData("trimmed_mean", "    beta: 0.2\n")]
    [InlineData("krum", "    num_malicious_clients: 1\n")]
    public async Task RobustStrategy_WithOnePoisoner_StaysWithinTwoPointsOfTheHonestRun(string strategy, string? settings)
    {
        RobustRunOutcome poisoned = await RunPoisonedAsync(strategy, settings);
        Assert.True(
            poisoned.Accuracy >= fixture.Reference.Accuracy - RobustMargin,
            string.Create(CultureInfo.InvariantCulture, $"{strategy} with a poisoner should stay within {RobustMargin:F2} of the honest run: {poisoned}; reference {fixture.Reference}"));
    }

    private async Task<RobustRunOutcome> RunPoisonedAsync(string strategy, string? settings)
    {
        await using RobustRun run = await RobustRun.PrepareAsync(fixture.Certified, strategy, settings);
        RobustRunOutcome outcome = await run.RunAsync(RobustAggregationFederation.Poisoner);
        output.WriteLine(fixture.Reference.ToString());
        output.WriteLine(outcome.ToString());
        return outcome;
    }
}
