namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Runs fsyncs on a few long-lived threads of their own. An fsync blocks its thread until the disk
/// answers: on the thread pool, ten uploads finishing together would starve every other call, and a
/// fresh thread per fsync pays a thread start each time. The threads sleep on a monitor between
/// fsyncs (no spinning: they wake a few times per round, and spinning would take CPU from the
/// transfers).
/// </summary>
internal static class DiskFlusher
{
    /// <summary>Enough for the fsyncs of concurrent uploads to overlap (the file system commits them together).</summary>
    private const int Threads = 4;

    private static readonly Queue<(FileStream Stream, TaskCompletionSource Done)> Pending = Start();

    /// <summary>Flushes <paramref name="stream"/>'s buffer and its file's data to the disk; completes when the disk has them.</summary>
    public static Task FlushToDiskAsync(FileStream stream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Not cancelled once queued: the caller disposes the stream only after the fsync is over.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Pending)
        {
            Pending.Enqueue((stream, done));
            Monitor.Pulse(Pending);
        }

        return done.Task;
    }

    private static Queue<(FileStream, TaskCompletionSource)> Start()
    {
        var pending = new Queue<(FileStream, TaskCompletionSource)>();
        for (var i = 0; i < Threads; i++)
        {
            new Thread(() => Run(pending)) { IsBackground = true, Name = "confer fsync" }.Start();
        }

        return pending;
    }

    private static void Run(Queue<(FileStream Stream, TaskCompletionSource Done)> pending)
    {
        while (true)
        {
            (FileStream Stream, TaskCompletionSource Done) next;
            lock (pending)
            {
                while (pending.Count == 0)
                {
                    Monitor.Wait(pending);
                }

                next = pending.Dequeue();
            }

            try
            {
                next.Stream.Flush(flushToDisk: true);
                next.Done.SetResult();
            }
            catch (Exception ex)
            {
                next.Done.SetException(ex);
            }
        }
    }
}
