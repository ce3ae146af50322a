using Confer.Testing;
using Confer.Workflow.Tests.Flows;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Workflow.Tests;

public sealed class CheckpointTests
{
    [Fact]
    public async Task Checkpoint_RoundTripsThroughTheInspectionApi_LikeTheMetaflowClient()
    {
        using var store = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var flow = new AveragingFlow { Rounds = 2, Checkpoint = true, Runtime = TestRuntime.Create(store.Path, time: time) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        using RunStore runs = RunStore.Open(store.Path);
        FlowRunInfo run = runs.LatestRun(nameof(AveragingFlow))!;
        Assert.Equal(result.RunId, run.Id);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, run.Id);
        Assert.Equal("completed", run.Status);
        Assert.True(run.Checkpoint);
        Assert.Equal(TestRuntime.Names, run.Collaborators);
        Assert.Equal(["Start", "Validate", "Train", "Join", "End"], run.Steps.Select(s => s.Name));
        Assert.Equal(result.TaskCount, run.Tasks.Count);

        StepInfo validate = run.Step("Validate");
        Assert.Equal(8, validate.Tasks.Count);
        TaskInfo portland = validate.TasksOf("Portland")[0];
        Assert.Equal("Portland", portland.Input);
        Assert.Equal("Train", portland.NextStep);
        Assert.Equal(time.GetUtcNow(), portland.StartedAt);
        Assert.StartsWith("Portland value of ", portland.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, portland.Stderr);
        Assert.Equal(0, portland.Data.Get<int>(nameof(AveragingFlow.CurrentRound)));
        Assert.False(run.Step("Start").Tasks[0].Data.Contains(nameof(AveragingFlow.Private)));
        Assert.Contains(nameof(AveragingFlow.Weights), run.Step("Start").Tasks[0].Data.Names);

        TaskInfo end = run.Step("End").Tasks.Single();
        Assert.Equal(flow.Weights, end.Data.Get<double[]>(nameof(AveragingFlow.Weights)));
        Assert.Equal(10, end.Data.Get<int>(nameof(AveragingFlow.Private)));
        Assert.Equal("This is the end of the flow" + Environment.NewLine, end.Stdout);
        Assert.Equal(2, run.Step("Join").Tasks.Count);
        Assert.All(run.Step("Join").Tasks, t => Assert.Equal("aggregator", t.Participant));
        Assert.Equal(result.Egress, run.Egress);
    }

    [Fact]
    public async Task WithoutCheckpoint_OnlyTheRunAndItsEgressAreKept()
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Rounds = 1, Runtime = TestRuntime.Create(store.Path) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        using RunStore runs = RunStore.Open(store.Path);
        FlowRunInfo run = runs.GetRun(result.RunId);
        Assert.False(run.Checkpoint);
        Assert.Empty(run.Tasks);
        Assert.Equal(result.Egress, run.Egress);
        var error = Assert.Throws<KeyNotFoundException>(() => run.Step("Train"));
        Assert.Contains("not checkpointed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Egress_RecordsEveryCrossingWithSizeAndHashOfTheEncodedBytes()
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Rounds = 1, Checkpoint = true, Runtime = TestRuntime.Create(store.Path, names: ["Portland", "Seattle"]) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        EgressRecord[] toPortland = [.. result.Egress.Where(e => e.ToParticipant == "Portland")];
        Assert.All(toPortland, e => Assert.Equal(("Start", "Validate", "aggregator"), (e.FromStep, e.ToStep, e.FromParticipant)));
        Assert.DoesNotContain(toPortland, e => e.Attribute == nameof(AveragingFlow.Private));
        EgressRecord[] fromPortland = [.. result.Egress.Where(e => e.FromParticipant == "Portland")];
        Assert.All(fromPortland, e => Assert.Equal(("Train", "Join", "aggregator"), (e.FromStep, e.ToStep, e.ToParticipant)));
        Assert.DoesNotContain(fromPortland, e => e.Attribute == nameof(AveragingFlow.TrainingCompleted));
        Assert.Contains(fromPortland, e => e.Attribute == nameof(AveragingFlow.Private));

        using RunStore runs = RunStore.Open(store.Path);
        TaskArtifact weights = runs.GetRun(result.RunId).Step("Train").TasksOf("Portland")[0].Data[nameof(AveragingFlow.Weights)];
        EgressRecord sent = fromPortland.Single(e => e.Attribute == nameof(AveragingFlow.Weights));
        Assert.Equal((weights.Size, weights.Sha256), (sent.Size, sent.Sha256));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights.ReadBytes())), sent.Sha256);
    }

    [Fact]
    public async Task Stdout_IsCapturedPerTask_EvenWhenCollaboratorsPrintAtTheSameTime()
    {
        using var store = new TempDirectory();
        using var rendezvous = new Barrier(4);
        var aggregator = new Aggregator();
        Collaborator[] collaborators = [.. TestRuntime.Names.Select(n =>
        {
            var c = new Collaborator(n);
            c.PrivateAttributes["Rendezvous"] = rendezvous;
            return c;
        })];
        var runtime = new LocalRuntime(aggregator, collaborators, LocalRuntimeBackend.Parallel, new LocalRuntimeOptions { RunStoreDirectory = store.Path, MaxParallelism = 4, EchoTaskOutput = false });
        var flow = new OutputFlow { Checkpoint = true, Runtime = runtime };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        using RunStore runs = RunStore.Open(store.Path);
        FlowRunInfo run = runs.GetRun(result.RunId);
        foreach (string name in TestRuntime.Names)
        {
            TaskInfo task = run.Step("Speak").TasksOf(name).Single();
            string[] lines = task.Stdout.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{name} line {i}"), lines);
            Assert.Equal($"{name} warning{Environment.NewLine}", task.Stderr);
        }

        Assert.Equal($"start on the aggregator{Environment.NewLine}", run.Step("Start").Tasks[0].Stdout);
    }
}
