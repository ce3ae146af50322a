using System.Text.RegularExpressions;
using Confer.Testing;
using static Confer.Examples.Tests.ExampleAssert;

namespace Confer.Examples.Tests;

/// <summary>
/// <c>examples/FlowerTutorial</c> run small: two rounds of the tutorial's ten clients, each with
/// 200 Fashion-MNIST images (180 to train on, 20 to validate with).
/// </summary>
public sealed class FlowerTutorialTests
{
    [Fact]
    public async Task TwoSmallRounds_TrainEveryClient_EvaluateHalfOfThem_AndPrintTheHistory()
    {
        using var folder = new TempDirectory();

        ExampleResult result = await ExampleProcess.RunOkAsync("FlowerTutorial", folder.Path, "--rounds", "2", "--max-examples", "200");

        Assert.Contains("10 clients, 2 rounds, fashion-mnist/train: 60,000 images.", result.Lines);
        Assert.Contains("At most 200 images per client: 2,000 in all.", result.Lines);
        // fraction_evaluate 0.5 of ten clients: five evaluate each round.
        IReadOnlyList<Match> rounds = Matches(result, @"^round (?<round>\d+): loss (?<loss>\S+), accuracy (?<accuracy>\S+) \(5 clients evaluated, ");
        Assert.Equal(["1", "2"], rounds.Select(r => r.Groups["round"].Value));
        foreach (Match round in rounds)
        {
            Assert.True(Finite(round.Groups["loss"].Value, "the distributed loss") > 0, result.ToString());
            Accuracy(round.Groups["accuracy"].Value, "the weighted-average accuracy");
        }

        Assert.Equal(["1", "2"], Matches(result, @"^\tround (?<round>\d+): \S+$").Select(r => r.Groups["round"].Value));
        Assert.Single(Matches(result, @"^accuracy: \[\(1, \S+\), \(2, \S+\)\]$"));
    }
}
