using System.Text.Json;
using Confer.Cli.Commands.Simulate;
using Confer.Cli.Tests.Infrastructure;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

/// <summary><c>confer simulate</c> on a slice of Fashion-MNIST: real TorchSharp training, real data.</summary>
public sealed class SimulateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FractionEvaluate_EvaluatesSampledClientsOnTheirHeldOutShare_WithoutFailures()
    {
        string output = Path.Combine(_temp.Path, "simulation");

        await CliRunner.RunOkAsync(
            "simulate", "--clients", "4", "--rounds", "1", "--train-limit", "400", "--test-limit", "100",
            "--fraction-evaluate", "0.5", "--min-evaluate-clients", "2", "--output", output);

        using JsonDocument history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "history.json")));
        JsonElement round = history.RootElement.GetProperty("rounds")[0];
        Assert.Equal(2, round.GetProperty("evaluate_results").GetInt32());
        Assert.Equal(0, round.GetProperty("evaluate_failures").GetArrayLength());
        double loss = round.GetProperty("loss_distributed").GetDouble();
        Assert.True(double.IsFinite(loss) && loss > 0, $"distributed loss {loss}");
        Assert.InRange(round.GetProperty("metrics_distributed").GetProperty("accuracy").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task StrategyFedCurv_StartsFromZeroFisherTermsAndTrainsEveryRoundWithoutFailures()
    {
        string output = Path.Combine(_temp.Path, "fedcurv");

        await CliRunner.RunOkAsync(
            "simulate", "--clients", "2", "--rounds", "2", "--train-limit", "400", "--test-limit", "100",
            "--fraction-evaluate", "0", "--strategy", "fedcurv", "--strategy-option", "importance=0.01", "--output", output);

        using JsonDocument history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "history.json")).DefaultTimeout());
        JsonElement rounds = history.RootElement.GetProperty("rounds");
        Assert.Equal(2, rounds.GetArrayLength());
        foreach (JsonElement round in rounds.EnumerateArray())
        {
            Assert.Equal(2, round.GetProperty("fit_results").GetInt32());
            Assert.Equal(0, round.GetProperty("fit_failures").GetArrayLength());
            Assert.InRange(round.GetProperty("metrics_centralized").GetProperty("accuracy").GetDouble(), 0, 1);
        }
    }

    [Fact]
    public void HoldOut_SplitsEachPartitionWithoutOverlapAndKeepsEveryExample()
    {
        int[][] partitions = [[.. Enumerable.Range(0, 100)], [.. Enumerable.Range(100, 40)]];

        var (train, heldOut) = SimulationSetup.HoldOut(partitions, 0.1, seed: 3);

        Assert.Equal([10, 4], heldOut.Select(h => h.Length));
        for (int i = 0; i < partitions.Length; i++)
        {
            Assert.Empty(train[i].Intersect(heldOut[i]));
            Assert.Equal(partitions[i], train[i].Concat(heldOut[i]).Order());
        }

        Assert.Equal(heldOut[0], SimulationSetup.HoldOut(partitions, 0.1, seed: 3).HeldOut[0]);
    }
}
