using Confer.Federation.Grpc.Internal;
using Confer.Testing;
using Confer.Plan;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The per-collaborator byte budget on uploads (network.limits.max_upload_bytes_per_second), on a fake clock.</summary>
public sealed class UploadPacerTests
{
    private static NetworkLimits Limits(long bytesPerSecond, int chunkSize = 100) =>
        new(16 << 20, 1L << 30, chunkSize, MaxRequestsPerSecond: 100, RequestBurst: 100, MaxUploadBytesPerSecond: bytesPerSecond);

    [Fact]
    public void NoLimit_NeverWaits()
    {
        var pacer = new UploadPacer(Limits(0), new FakeTimeProvider());

        Assert.False(pacer.Enabled);
        Assert.Equal(TimeSpan.Zero, pacer.Charge("alpha", 1L << 40));
    }

    [Fact]
    public void OneSecondOfBytesPassesAtOnce_ThenEachByteWaitsForTheRate_PerCollaborator()
    {
        var time = new FakeTimeProvider();
        var pacer = new UploadPacer(Limits(1000), time);

        Assert.Equal(TimeSpan.Zero, pacer.Charge("alpha", 600));
        Assert.Equal(TimeSpan.Zero, pacer.Charge("alpha", 400));
        Assert.Equal(TimeSpan.FromSeconds(0.5), pacer.Charge("alpha", 500));

        // Another collaborator has its own budget.
        Assert.Equal(TimeSpan.Zero, pacer.Charge("beta", 1000));

        // Once the debt is paid, the next bytes wait only for themselves.
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(TimeSpan.FromSeconds(0.1), pacer.Charge("alpha", 100));

        // A long pause refills one second of bytes, not more.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, pacer.Charge("alpha", 1000));
        Assert.Equal(TimeSpan.FromSeconds(0.001), pacer.Charge("alpha", 1));
    }

    [Fact]
    public void AChunkLargerThanOneSecondOfBytes_PassesWhenTheBucketIsFull()
    {
        var pacer = new UploadPacer(Limits(1000, chunkSize: 4000), new FakeTimeProvider());

        Assert.Equal(TimeSpan.Zero, pacer.Charge("alpha", 4000));
        Assert.Equal(TimeSpan.FromSeconds(4), pacer.Charge("alpha", 4000));
    }

    [Fact]
    public async Task PaceAsync_WaitsOnTheAggregatorsClock()
    {
        var time = new FakeTimeProvider();
        var pacer = new UploadPacer(Limits(1000), time);
        Assert.Equal(TimeSpan.Zero, await pacer.PaceAsync("alpha", 1000, CancellationToken.None).AsTask().DefaultTimeout());

        var paced = pacer.PaceAsync("alpha", 250, CancellationToken.None).AsTask();
        Assert.False(paced.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(paced.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.05));
        Assert.Equal(TimeSpan.FromSeconds(0.25), await paced.DefaultTimeout());
    }

    [Fact]
    public async Task PaceAsync_StopsWaitingWhenTheUploadIsCancelled()
    {
        var pacer = new UploadPacer(Limits(1000), new FakeTimeProvider());
        pacer.Charge("alpha", 1000);
        using var cancel = new CancellationTokenSource();

        var paced = pacer.PaceAsync("alpha", 5000, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => paced.DefaultTimeout());
    }
}
