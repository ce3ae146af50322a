using System.Globalization;
using System.Text.RegularExpressions;
using Confer.Testing;
using static Confer.Examples.Tests.ExampleAssert;

namespace Confer.Examples.Tests;

/// <summary>
/// <c>examples/FederatedFlowEarlyStop</c> run small: at most two rounds of four collaborators with
/// 300 training and 300 test images each, the aggregator validating on 300 held-out images.
/// </summary>
public sealed class FederatedFlowEarlyStopTests
{
    [Fact]
    public async Task TwoSmallRounds_ValidateOnTheAggregatorsHeldOutSet_AndNeverSendItToACollaborator()
    {
        using var folder = new TempDirectory();

        ExampleResult result = await ExampleProcess.RunOkAsync(
            "FederatedFlowEarlyStop", folder.Path, "--rounds", "2", "--max-examples", "300", "--store", folder.Combine("store"));

        IReadOnlyList<Match> trained = Matches(result, @"^\S+ trained on 300 examples, loss (?<loss>\S+)$");
        Assert.Equal(8, trained.Count);
        Assert.All(trained, t => Finite(t.Groups["loss"].Value, "a collaborator's training loss"));
        IReadOnlyList<Match> validations = Matches(result, @"^Round (?<round>\d+): aggregator validation accuracy on 300 held-out images = (?<accuracy>\S+)$");
        Assert.Equal(["1", "2"], validations.Select(v => v.Groups["round"].Value));
        Assert.All(validations, v => Accuracy(v.Groups["accuracy"].Value, "the aggregator's validation accuracy"));
        // With a patience of 2, two rounds never stop early: the flow ends at its round limit.
        Match end = Assert.Single(Matches(result, @"^This is the end of the flow: 2 rounds, best aggregator accuracy (?<best>\S+) in round (?<round>[12])$"));
        // On 300 images accuracies move in steps of 1/300, above the flow's min_delta of 0.001, so the best is the highest.
        double best = Accuracy(end.Groups["best"].Value, "the best aggregator accuracy");
        Assert.Equal(validations.Max(v => double.Parse(v.Groups["accuracy"].Value, CultureInfo.InvariantCulture)), best);
        Assert.Single(Matches(result, "^Best model hash: [0-9a-f]{64}$"));
        Assert.Contains("Held-out images sent to collaborators: 0", result.Lines);
    }
}
