using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class FlowValidationTests
{
    [Fact]
    public void Load_NextTargetWithoutPlacement_NamesTheStep()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<UnplacedStepFlow>());

        Assert.Contains(error.Problems, p => p.Contains("Step 'Start' calls Next(Middle), but 'Middle' has no placement", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnreachableStep_NamesTheStep()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<UnreachableStepFlow>());

        Assert.Equal(["Step 'Orphan' is unreachable: no step reachable from Start calls Next(Orphan)."], error.Problems);
    }

    [Fact]
    public void Load_CollaboratorStepsThatNeverReturnToAJoin_NameEachStep()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<NeverJoinsFlow>());

        Assert.Contains(error.Problems, p => p.StartsWith("Collaborator step 'Ping' never returns to a join", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Collaborator step 'Pong' never returns to a join", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Step 'End' is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CollaboratorStepGoingToAPlainAggregatorStep_IsRejected()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<CollaboratorToAggregatorStepFlow>());

        Assert.Contains(error.Problems, p => p.StartsWith("Collaborator step 'Work' goes to aggregator step 'End', which is not a join", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WithoutStart_SaysEveryFlowBeginsWithStart()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<NoStartFlow>());

        Assert.Contains(error.Problems, p => p.StartsWith("NoStartFlow has no Start step", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Step 'Begin' is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InstanceField_AsksForAProperty()
    {
        var error = Assert.Throws<FlowValidationException>(() => FlowGraph.Of<FieldFlow>());

        Assert.Contains(error.Problems, p => p.StartsWith("Field '_counter' of FieldFlow is not flow state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_InvalidFlow_FailsBeforeAnyStepRuns()
    {
        using var store = new TempDirectory();
        var flow = new UnreachableStepFlow { Runtime = TestRuntime.Create(store.Path) };

        await Assert.ThrowsAsync<FlowValidationException>(() => flow.RunAsync().DefaultTimeout());

        Assert.False(File.Exists(Path.Combine(store.Path, "runs.db")));
    }

    [Fact]
    public async Task Run_NextCalledTwice_NamesTheStepAndBothTargets()
    {
        using var store = new TempDirectory();
        var flow = new NextTwiceFlow { Runtime = TestRuntime.Create(store.Path, privates: false) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Equal("Start", error.Step);
        Assert.Contains("Step 'Start' called Next twice (first Next(Middle), then Next(End))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ForeachOverANumber_SaysItIsNotACollectionOfCollaboratorNames()
    {
        using var store = new TempDirectory();
        var flow = new BadForeachFlow { Runtime = TestRuntime.Create(store.Path, privates: false) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Equal("Start", error.Step);
        Assert.Contains("fans out over 'Count', which is a Int32, not a collection of collaborator names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ForeachWithAnUnknownName_NamesItAndTheRuntimesCollaborators()
    {
        using var store = new TempDirectory();
        var flow = new BadForeachFlow { Mode = "unknown-name", Runtime = TestRuntime.Create(store.Path, privates: false) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Contains("which holds 'Atlantis': not collaborators of this runtime (Seattle, Portland, Chandler, Bangalore)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CollaboratorStepWithoutForeach_AsksForOne()
    {
        using var store = new TempDirectory();
        var flow = new BadForeachFlow { Mode = "missing", Runtime = TestRuntime.Create(store.Path, privates: false) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Contains("Step 'Start' goes to collaborator step 'Work' without a foreach", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StepThrows_FailureNamesStepAndParticipantAndRunIsMarkedFailed()
    {
        using var store = new TempDirectory();
        var flow = new ThrowingFlow { Runtime = TestRuntime.Create(store.Path) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Equal("Work", error.Step);
        Assert.Equal("Chandler", error.Participant);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        using RunStore runs = RunStore.Open(store.Path);
        Assert.Equal("failed", runs.LatestRun(nameof(ThrowingFlow))!.Status);
    }

    [Fact]
    public async Task Run_UnknownPrivateAttributeName_IsRejectedNamingTheParticipant()
    {
        using var store = new TempDirectory();
        var runtime = TestRuntime.Create(store.Path);
        var flow = new ThrowingFlow { Runtime = runtime };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Contains("Chandler", error.Message, StringComparison.Ordinal);
        Assert.Equal("Work", error.Step);

        var aggregator = new Aggregator();
        aggregator.PrivateAttributes["Validation"] = 1;
        var bad = new AveragingFlow { Runtime = new LocalRuntime(aggregator, [new Collaborator("A")], options: new LocalRuntimeOptions { RunStoreDirectory = store.Path }) };
        var unknown = await Assert.ThrowsAsync<FlowException>(() => bad.RunAsync().DefaultTimeout());
        Assert.Contains("Aggregator aggregator has private attribute 'Validation', but AveragingFlow has no [Private] property of that name", unknown.Message, StringComparison.Ordinal);
    }
}
