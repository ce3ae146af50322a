using Confer.Federation.Grpc.Internal;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The fsync threads that every upload's acknowledgement waits on.</summary>
public sealed class DiskFlusherTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("confer-flusher-").FullName;

    [Fact]
    public async Task ManyConcurrentFlushes_AllComplete_WithEveryByteInTheFile()
    {
        // More files than threads, so some wait in the queue.
        var streams = Enumerable.Range(0, 12)
            .Select(i => new FileStream(Path.Combine(_folder, $"{i}.bin"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16))
            .ToList();
        try
        {
            for (var i = 0; i < streams.Count; i++)
            {
                // Left in the stream's buffer on purpose: the flush must write it before the fsync.
                streams[i].Write(Enumerable.Repeat((byte)i, 1000 + i).ToArray());
            }

            await Task.WhenAll(streams.Select(s => DiskFlusher.FlushToDiskAsync(s, CancellationToken.None))).WaitAsync(Timeout);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        for (var i = 0; i < streams.Count; i++)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, $"{i}.bin")).WaitAsync(Timeout);
            Assert.Equal(1000 + i, bytes.Length);
            Assert.All(bytes, b => Assert.Equal((byte)i, b));
        }
    }

    [Fact]
    public async Task AFlushThatFails_FailsItsCaller_AndTheThreadsServeOn()
    {
        var closed = new FileStream(Path.Combine(_folder, "closed.bin"), FileMode.Create, FileAccess.Write);
        await closed.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => DiskFlusher.FlushToDiskAsync(closed, CancellationToken.None).WaitAsync(Timeout));

        await using var open = new FileStream(Path.Combine(_folder, "open.bin"), FileMode.Create, FileAccess.Write);
        open.WriteByte(7);
        await DiskFlusher.FlushToDiskAsync(open, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(1, open.Length);
    }

    [Fact]
    public async Task ACancelledCaller_QueuesNothing()
    {
        await using var stream = new FileStream(Path.Combine(_folder, "cancelled.bin"), FileMode.Create, FileAccess.Write);
        await Assert.ThrowsAsync<OperationCanceledException>(() => DiskFlusher.FlushToDiskAsync(stream, new CancellationToken(canceled: true)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
