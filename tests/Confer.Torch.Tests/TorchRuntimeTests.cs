using Confer.Torch.Internal;
using Confer.Torch.Tests.Infrastructure;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TorchRuntimeTests
{
    [Fact]
    public void Configure_CalledConcurrently_IsIdempotentAndUsesEveryCore()
    {
        Parallel.For(0, 8, _ => TorchRuntime.Configure());

        Assert.True(TorchRuntime.IsConfigured);
        Assert.Equal(Environment.ProcessorCount, TorchRuntime.Threads);
    }

    [Fact]
    public void LibTorchContext_RequiredSymbolsAreExportedByTheLibTorchInUse()
    {
        TorchRuntime.Configure();

        LibTorchContext.EnsureAvailable();

        Assert.Contains("_ZN2at7Context20setUserEnabledMkldnnEb", LibTorchContext.RequiredSymbols);
    }

    [Fact]
    public void SuspendOneDnn_NestedAndOverlappingSections_KeepOneDnnOffUntilTheLastCloses()
    {
        Assert.True(TorchRuntime.OneDnnEnabled);

        IDisposable outer = TorchRuntime.SuspendOneDnn();
        IDisposable inner = TorchRuntime.SuspendOneDnn();
        Assert.False(TorchRuntime.OneDnnEnabled);
        outer.Dispose();
        Assert.False(TorchRuntime.OneDnnEnabled);
        outer.Dispose();
        Assert.False(TorchRuntime.OneDnnEnabled);
        inner.Dispose();

        Assert.True(TorchRuntime.OneDnnEnabled);
    }

    [Fact]
    public void SuspendOneDnn_FromManyThreads_LeavesOneDnnOnAfterwards()
    {
        Parallel.For(0, 200, _ =>
        {
            using IDisposable section = TorchRuntime.SuspendOneDnn();
            Assert.False(TorchRuntime.OneDnnEnabled);
        });

        Assert.True(TorchRuntime.OneDnnEnabled);
    }

    [Theory]
    [InlineData("forward-only", OneDnnTrainingMode.ForwardOnly)]
    [InlineData("Disabled", OneDnnTrainingMode.Disabled)]
    [InlineData("libtorch-default", OneDnnTrainingMode.LibTorchDefault)]
    public void ParseOneDnnTrainingMode_KnownNames_RoundTripWithFormat(string text, OneDnnTrainingMode expected)
    {
        OneDnnTrainingMode mode = TorchRuntime.ParseOneDnnTrainingMode(text);

        Assert.Equal(expected, mode);
        Assert.Equal(mode, TorchRuntime.ParseOneDnnTrainingMode(TorchRuntime.FormatOneDnnTrainingMode(mode)));
    }

    [Fact]
    public void ParseOneDnnTrainingMode_UnknownName_ListsTheValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchRuntime.ParseOneDnnTrainingMode("fast"));

        Assert.Contains("forward-only", ex.Message, StringComparison.Ordinal);
    }
}
