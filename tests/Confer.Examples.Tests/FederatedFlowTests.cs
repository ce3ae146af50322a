using System.Text.RegularExpressions;
using Confer.Testing;
using static Confer.Examples.Tests.ExampleAssert;

namespace Confer.Examples.Tests;

/// <summary>
/// <c>examples/FederatedFlow</c>, OpenFL's tutorial flow, run small: two rounds of four
/// collaborators, each holding 300 training and 300 test images.
/// </summary>
public sealed class FederatedFlowTests
{
    private const string Example = "FederatedFlow";

    [Fact]
    public async Task TwoSmallRounds_RunToTheEnd_AndPrintAFiniteValidationScorePerRound()
    {
        using var folder = new TempDirectory();
        string store = folder.Combine("store");

        ExampleResult result = await ExampleProcess.RunOkAsync(Example, folder.Path, "--rounds", "2", "--max-examples", "300", "--store", store);

        // Four collaborators train once a round, each on its 300 images.
        Assert.Equal(8, Matches(result, @"^Train Epoch: 1 \[0/300 ").Count);
        IReadOnlyList<Match> joins = Matches(result, @"^Average aggregated model validation values = (?<value>\S+)$");
        Assert.Equal(2, joins.Count);
        foreach (Match join in joins)
        {
            Accuracy(join.Groups["value"].Value, "the average aggregated model validation");
        }

        IReadOnlyList<Match> losses = Matches(result, @"^Average training loss = (?<value>\S+)$");
        Assert.Equal(2, losses.Count);
        Assert.All(losses, loss => Assert.True(Finite(loss.Groups["value"].Value, "the average training loss") > 0, result.ToString()));
        Assert.Contains("This is the end of the flow", result.Lines);
        Assert.Single(Matches(result, "^Final model hash: [0-9a-f]{64}$"));
        // Start, then per round 4 × 3 collaborator steps and the join, then End: 28 tasks.
        Assert.Single(Matches(result, $@"^Run \S+ of FederatedFlow: 28 tasks, .* recorded in {Regex.Escape(store)}$"));
        Assert.True(File.Exists(Path.Combine(store, "runs.db")), $"no run store in {store}");
    }

    [Fact]
    public async Task TheParallelBackendWithCheckpoints_EndsWithTheSameModelAsTheSequentialOne()
    {
        using var folder = new TempDirectory();
        string[] small = ["--rounds", "2", "--max-examples", "200"];

        ExampleResult sequential = await ExampleProcess.RunOkAsync(Example, folder.Path, [.. small, "--store", folder.Combine("sequential")]);
        ExampleResult parallel = await ExampleProcess.RunOkAsync(Example, folder.Path, [.. small, "--backend", "parallel", "--checkpoint", "--store", folder.Combine("parallel")]);

        string expected = FinalModelHash(sequential);
        Assert.Equal(expected, FinalModelHash(parallel));
    }

    private static string FinalModelHash(ExampleResult result)
    {
        Match hash = Assert.Single(Matches(result, "^Final model hash: (?<hash>[0-9a-f]{64})$"));
        return hash.Groups["hash"].Value;
    }
}
