using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class StateTests
{
    private static readonly string[] OutOfOrder = ["Seattle", "Bangalore", "Portland", "Chandler"];

    [Fact]
    public async Task Next_WithoutIncludeOrExclude_CarriesEveryAttribute()
    {
        CarryFlow flow = await RunAsync("default");

        Assert.Equal(["Bangalore:7/9/hello/16/null", "Chandler:7/9/hello/15/null", "Portland:7/9/hello/15/null", "Seattle:7/9/hello/14/null"], flow.Observations);
    }

    [Fact]
    public async Task Next_WithExclude_CarriesAllButTheExcludedWhichReadAsDefault()
    {
        CarryFlow flow = await RunAsync("exclude");

        Assert.Equal(["Bangalore:7/0/hello/16/null", "Chandler:7/0/hello/15/null", "Portland:7/0/hello/15/null", "Seattle:7/0/hello/14/null"], flow.Observations);
    }

    [Fact]
    public async Task Next_WithInclude_CarriesOnlyTheIncluded()
    {
        CarryFlow flow = await RunAsync("include");

        Assert.Equal(["Bangalore:7/0/null/16/null", "Chandler:7/0/null/15/null", "Portland:7/0/null/15/null", "Seattle:7/0/null/14/null"], flow.Observations);
    }

    [Fact]
    public async Task Foreach_DoesNotTouchTheAggregatorsOwnState_ButAnAggregatorNextWithExcludeClearsIt()
    {
        CarryFlow flow = await RunAsync("exclude");

        Assert.Equal(9, flow.AggregatorDroppedAfterJoin);
        Assert.Equal(0, flow.AggregatorDroppedAtEnd);
        Assert.Equal(7, flow.Kept);
    }

    [Fact]
    public async Task Next_WithIncludeAndExclude_IsRejected()
    {
        var error = await Assert.ThrowsAsync<FlowException>(() => RunAsync("both"));

        Assert.Contains("Step 'Start' gives Next(Look) both include and exclude; give one of them.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_ExcludingAnUnknownAttribute_NamesItAndListsTheAttributes()
    {
        var error = await Assert.ThrowsAsync<FlowException>(() => RunAsync("unknown"));

        Assert.Contains("names 'Dropepd' in Next(Look), which is not an attribute of CarryFlow (attributes: Mode, Collaborators, Kept, Dropped", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LocalRuntimeBackend.Sequential)]
    [InlineData(LocalRuntimeBackend.Parallel)]
    public async Task Join_SeesCollaboratorsOrderedByName_WhateverTheForeachOrder(LocalRuntimeBackend backend)
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Rounds = 2, Runtime = TestRuntime.Create(store.Path, backend, OutOfOrder) };

        await flow.RunAsync().DefaultTimeout();

        Assert.Equal(["Bangalore", "Chandler", "Portland", "Seattle"], flow.JoinOrder);
        Assert.Equal(OutOfOrder, flow.Runtime!.Collaborators);
    }

    [Fact]
    public async Task Collaborators_GetTheirOwnDeepCopy_SoMutatingItInPlaceLeavesOthersAlone()
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Rounds = 1, Runtime = TestRuntime.Create(store.Path) };
        double[] before = flow.Weights;

        await flow.RunAsync().DefaultTimeout();

        Assert.All(before, w => Assert.Equal(0.0, w));
        Assert.NotSame(before, flow.Weights);
        Assert.Equal(10, flow.Private);
    }

    private static async Task<CarryFlow> RunAsync(string mode)
    {
        using var store = new TempDirectory();
        var flow = new CarryFlow { Mode = mode, Runtime = TestRuntime.Create(store.Path, privates: false) };
        await flow.RunAsync().DefaultTimeout();
        return flow;
    }
}
