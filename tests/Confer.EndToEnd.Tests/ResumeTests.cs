using Confer.Testing;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Crash and restart with real processes: the aggregator killed (SIGKILL) at each dangerous
/// moment and started again in the same workspace, or a collaborator killed mid-task and started
/// again. The collaborators reconnect by themselves; the final and best models must be
/// bit-identical to the uninterrupted run's.
/// </summary>
public sealed class ResumeTests(ResumeFederation federation) : IClassFixture<ResumeFederation>
{
    [Theory]
    [InlineData("before-first-result", 1, "Resuming at round 1 of 3 from the round checkpoint")]
    [InlineData("during-upload", 2, "Resuming at round 2 of 3 from the round checkpoint")]
    [InlineData("after-result-stored", 2, "sent a duplicate of")]
    [InlineData("before-aggregation", 2, "with 6 acknowledged results already stored")]
    [InlineData("before-checkpoint", 2, "with 6 acknowledged results already stored")]
    [InlineData("while-saving", 2, "Rewrote the last model of round 2")]
    public async Task AggregatorKilledAtAFaultPoint_RestartResumes_FinalModelIsBitIdentical(string point, int round, string restartSays)
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        LifecycleConfer first = run.StartAggregator(ResumeRun.Fault(point, round));
        run.StartCollaborators();
        LifecycleResult crashed = await run.WaitForCrashAsync(first);
        Assert.True(crashed.Error.Contains($"crashing at '{point}' in round {round}", StringComparison.Ordinal), run.Transcript);

        // The same collaborator processes carry on with the restarted aggregator.
        LifecycleConfer second = run.StartAggregator();
        await run.WaitForAllAsync();
        run.AssertFinishedCleanly();
        string log = second.Output + second.Error;
        Assert.True(log.Contains(restartSays, StringComparison.Ordinal), run.Transcript);
        if (point == "before-checkpoint")
        {
            // Round 2's metrics were written, its checkpoint was not: the restart drops them and trains the round again.
            Assert.True(log.Contains("rounds before 2, 9 rows of later rounds dropped", StringComparison.Ordinal), run.Transcript);
        }

        // Every round counted both collaborators' three results and two models, once.
        List<string> summaries = ResumeRun.RoundSummaries(log);
        Assert.True(summaries.All(s => s.Contains("6 results, 2 models aggregated", StringComparison.Ordinal)), run.Transcript);
        Assert.Equal(federation.ReferenceLast, run.LastBytes());
        Assert.Equal(federation.ReferenceBest, run.BestBytes());
        Assert.Equal(federation.ReferenceMetrics, run.MetricsCsv());
    }

    [Fact]
    public async Task AggregatorKilledFromOutsideDuringRoundOne_RestartResumes_FinalModelIsBitIdentical()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        LifecycleConfer first = run.StartAggregator();

        // alpha holds its round-2 tasks, so round 2 is still open when the kill arrives, however
        // fast the rounds run; it is released once the aggregator is back.
        string release = Path.Combine(run.Root, "release-alpha");
        run.StartHeldCollaborator("alpha", holdRound: 2, release);
        run.StartCollaborator("beta");
        await first.WaitForOutputAsync("Collaborator beta is sending task results for train, round 2", ResumeFederation.RunTimeout);
        await run.KillNineAsync(first);

        LifecycleConfer second = run.StartAggregator();
        await File.WriteAllTextAsync(release, string.Empty).DefaultTimeout();
        await run.WaitForAllAsync();
        run.AssertFinishedCleanly();
        Assert.True((second.Output + second.Error).Contains("Resuming at round 2 of 3 from the round checkpoint", StringComparison.Ordinal), run.Transcript);
        Assert.Equal(federation.ReferenceLast, run.LastBytes());
        Assert.Equal(federation.ReferenceBest, run.BestBytes());
        Assert.Equal(federation.ReferenceMetrics, run.MetricsCsv());
    }

    [Fact]
    public async Task CollaboratorKilledMidTask_RestartRedoesItsTask_FinalModelIsBitIdentical()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        LifecycleConfer aggregator = run.StartAggregator();
        run.StartCollaborator("alpha");
        LifecycleConfer beta = run.StartCollaborator("beta", ResumeRun.Fault("collaborator-before-upload", 2));
        LifecycleResult crashed = await run.WaitForCrashAsync(beta);
        Assert.True(crashed.Error.Contains("crashing at 'collaborator-before-upload' in round 2", StringComparison.Ordinal), run.Transcript);

        LifecycleConfer again = run.StartCollaborator("beta");
        await run.WaitForAllAsync();
        run.AssertFinishedCleanly();
        Assert.True((again.Output + again.Error).Contains("Received tasks for round 2", StringComparison.Ordinal), run.Transcript);
        List<string> summaries = ResumeRun.RoundSummaries(aggregator.Output + aggregator.Error);
        Assert.Equal(ResumeFederation.Rounds, summaries.Count);
        Assert.True(summaries.All(s => s.Contains("6 results, 2 models aggregated", StringComparison.Ordinal)), run.Transcript);
        Assert.Equal(federation.ReferenceLast, run.LastBytes());
        Assert.Equal(federation.ReferenceBest, run.BestBytes());
        Assert.Equal(federation.ReferenceMetrics, run.MetricsCsv());
    }
}
