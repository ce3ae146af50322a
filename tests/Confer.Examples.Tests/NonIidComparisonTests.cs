using System.Text.Json;
using System.Text.RegularExpressions;
using Confer.Testing;
using static Confer.Examples.Tests.ExampleAssert;

namespace Confer.Examples.Tests;

/// <summary>
/// <c>examples/NonIidComparison</c> run small: FedAvg, FedProx and FedAdam for two rounds each on
/// a Dirichlet(0.5) split capped at 300 images per client, evaluated on 500 test images.
/// </summary>
public sealed class NonIidComparisonTests
{
    [Fact]
    public async Task TwoSmallRoundsPerStrategy_WriteEachStrategysHistoryAndThePlot()
    {
        using var folder = new TempDirectory();

        ExampleResult result = await ExampleProcess.RunOkAsync(
            "NonIidComparison", folder.Path, "--rounds", "2", "--max-examples", "300", "--max-test-examples", "500", "--output", "out");

        Match split = Assert.Single(Matches(result, @"^Dirichlet\(0\.5\) over 4 clients: (?<sizes>[0-9, ]+) training images\.$"));
        int[] sizes = [.. split.Groups["sizes"].Value.Split(", ").Select(int.Parse)];
        Assert.Equal(4, sizes.Length);
        Assert.All(sizes, size => Assert.InRange(size, 1, 300));
        Assert.Contains("Centralized evaluation on the first 500 test images.", result.Lines);
        // The output folder is relative to the working directory.
        string output = folder.Combine("out");
        foreach (string strategy in new[] { "fedavg", "fedprox", "fedadam" })
        {
            using JsonDocument history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, $"history-{strategy}.json")).DefaultTimeout());
            JsonElement[] rounds = [.. history.RootElement.GetProperty("rounds").EnumerateArray()];
            Assert.Equal([1, 2], rounds.Select(r => r.GetProperty("round").GetInt32()));
            Assert.All(rounds, r =>
            {
                Assert.Equal(4, r.GetProperty("fit_results").GetInt32());
                Assert.InRange(r.GetProperty("metrics_centralized").GetProperty("accuracy").GetDouble(), 0.0, 1.0);
            });
        }

        IReadOnlyList<Match> curves = Matches(result, @"^(?<label>Fed\S+).* r0 (?<r0>\S+)  r1 (?<r1>\S+)  r2 (?<r2>\S+)$");
        Assert.Equal(["FedAvg", "FedProx", "FedAdam"], curves.Select(c => c.Groups["label"].Value));
        Assert.All(curves, c => Accuracy(c.Groups["r2"].Value, $"{c.Groups["label"].Value}'s accuracy after round 2"));
        byte[] png = await File.ReadAllBytesAsync(Path.Combine(output, "noniid-comparison.png")).DefaultTimeout();
        Assert.True(png.Length > 1000 && png.AsSpan(0, 8).SequenceEqual<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "noniid-comparison.png is not a PNG image");
    }
}
