using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class BackendTests
{
    [Fact]
    public async Task SequentialAndParallel_GiveTheSameStateAndEgress_BitForBit_WithAndWithoutCheckpoint()
    {
        var outcomes = new List<(string Name, long[] Bits, double Score, string[] Egress)>();
        foreach (LocalRuntimeBackend backend in new[] { LocalRuntimeBackend.Sequential, LocalRuntimeBackend.Parallel })
        {
            foreach (bool checkpoint in new[] { false, true })
            {
                using var store = new TempDirectory();
                var flow = new AveragingFlow { Rounds = 4, Checkpoint = checkpoint, Runtime = TestRuntime.Create(store.Path, backend) };
                FlowRunResult result = await flow.RunAsync().DefaultTimeout();
                outcomes.Add((
                    $"{backend}/{checkpoint}",
                    [.. flow.Weights.Select(BitConverter.DoubleToInt64Bits)],
                    flow.Score,
                    [.. result.Egress.Select(e => $"{e.Sequence} {e.FromStep}>{e.ToStep} {e.FromParticipant}>{e.ToParticipant} {e.Attribute} {e.Size} {e.Sha256}")]));
            }
        }

        Assert.All(outcomes, o => Assert.Equal(outcomes[0].Bits, o.Bits));
        Assert.All(outcomes, o => Assert.Equal(outcomes[0].Score, o.Score));
        Assert.All(outcomes, o => Assert.Equal(outcomes[0].Egress, o.Egress));
        Assert.Contains(outcomes[0].Bits, b => b != 0);
    }

    [Fact]
    public async Task Parallel_ManyCollaboratorsAndRounds_RunsEveryTask()
    {
        using var store = new TempDirectory();
        string[] names = [.. Enumerable.Range(0, 40).Select(i => $"site{i:D2}")];
        var flow = new NoOpFlow { Rounds = 3, Runtime = TestRuntime.Create(store.Path, LocalRuntimeBackend.Parallel, names, privates: false) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        Assert.Equal(1 + (3 * (40 + 1)) + 1, result.TaskCount);
        Assert.Equal(40 * 3, result.Egress.Count(e => e.ToStep == "Join" && e.Attribute == nameof(NoOpFlow.Counter)));
        Assert.Equal(65_640, flow.Counter);
    }

    [Fact]
    public async Task Parallel_ResourceHints_BoundHowManyTasksRunAtOnce()
    {
        using var store = new TempDirectory();
        ConcurrencyProbeFlow.MaxInside = 0;
        var flow = new ConcurrencyProbeFlow
        {
            Runtime = TestRuntime.Create(store.Path, LocalRuntimeBackend.Parallel, privates: false, configure: o =>
            {
                o.MaxParallelism = 4;
                o.Cpus = 8;
                o.Gpus = 1;
            }),
        };

        await flow.RunAsync().DefaultTimeout();

        Assert.Equal(1, ConcurrencyProbeFlow.MaxInside);
    }

    [Fact]
    public async Task Parallel_HintLargerThanTheRuntime_IsRejectedBeforeTheRun()
    {
        using var store = new TempDirectory();
        var flow = new ConcurrencyProbeFlow { Runtime = TestRuntime.Create(store.Path, LocalRuntimeBackend.Parallel, privates: false, configure: o => o.Gpus = 0) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Contains("Step 'Heavy' asks for 3 CPUs and 1 GPUs per task, but the runtime has", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Cancelled_StopsBetweenTasksAndMarksTheRun()
    {
        using var store = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var flow = new NoOpFlow { Runtime = TestRuntime.Create(store.Path, privates: false) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flow.RunAsync(cancel.Token).DefaultTimeout());

        using RunStore runs = RunStore.Open(store.Path);
        Assert.Equal("cancelled", runs.LatestRun(nameof(NoOpFlow))!.Status);
    }

    [Fact]
    public void Runtime_Collaborators_AreTheNamesInTheOrderGiven()
    {
        var runtime = new LocalRuntime(new Aggregator(), [new Collaborator("Portland"), new Collaborator("Seattle")]);

        Assert.Equal(["Portland", "Seattle"], runtime.Collaborators);
        Assert.Throws<ArgumentException>(() => new LocalRuntime(new Aggregator(), [new Collaborator("A"), new Collaborator("A")]));
    }
}
