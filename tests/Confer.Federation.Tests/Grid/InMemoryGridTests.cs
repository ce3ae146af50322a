using Confer.Core;
using Confer.Federation.Grid;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Grid;

public class InMemoryGridTests
{
    [Fact]
    public async Task PushAndPull_EachReplyIsHandedOutOnce_WithTheTasksId()
    {
        await using var grid = new InMemoryGrid(["a", "b"], _ => new EchoHandler());

        IReadOnlyList<string> ids = await grid.PushAsync([Task("a", 1), Task("b", 1)]).DefaultTimeout();
        IReadOnlyList<Message> replies = await PullAllAsync(grid, ids);

        Assert.Equal(["1/a/train", "1/b/train"], ids);
        Assert.Equal(ids, replies.Select(r => r.ReplyTo));
        Assert.All(replies, r => Assert.Equal(7, r.ExampleCount));
        Assert.Empty(await grid.PullAsync(ids).DefaultTimeout());
    }

    [Fact]
    public async Task Push_UnknownNodeOrATaskAlreadyOut_IsRefusedNamingIt()
    {
        await using var grid = new InMemoryGrid(["a"], _ => new BlockingHandler());
        await grid.PushAsync([Task("a", 1)]).DefaultTimeout();

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => grid.PushAsync([Task("z", 1)])).DefaultTimeout();
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => grid.PushAsync([Task("a", 1)])).DefaultTimeout();

        Assert.Contains("'z'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("1/a/train", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerThatThrows_GivesAClientErrorReplyWithTheException()
    {
        await using var grid = new InMemoryGrid(["a"], _ => new ThrowingHandler());

        IReadOnlyList<string> ids = await grid.PushAsync([Task("a", 1)]).DefaultTimeout();
        Message reply = Assert.Single(await PullAllAsync(grid, ids));

        Assert.Equal(ReasonCode.ClientError, reply.Error!.Reason);
        Assert.Contains("no data here", reply.Error.Text, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(reply.Error.Exception);
    }

    [Fact]
    public async Task Withdraw_StopsTheTaskAtWork_AndItsReplyNeverComes()
    {
        var handler = new BlockingHandler();
        await using var grid = new InMemoryGrid(["a"], _ => handler);
        IReadOnlyList<string> ids = await grid.PushAsync([Task("a", 1)]).DefaultTimeout();
        await handler.Started.Task.DefaultTimeout();

        await grid.WithdrawAsync(ids).DefaultTimeout();

        await handler.Stopped.Task.DefaultTimeout();
        await grid.WaitAsync(ids).DefaultTimeout();
        Assert.Empty(await grid.PullAsync(ids).DefaultTimeout());
    }

    [Fact]
    public async Task NoMoreThanMaxParallelTasksRunAtOnce()
    {
        var handler = new CountingHandler();
        await using var grid = new InMemoryGrid(20, _ => handler, new InMemoryGridOptions { MaxParallel = 3 });

        IReadOnlyList<string> ids = await grid.PushAsync([.. Enumerable.Range(0, 20).Select(i => Task(i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1))]).DefaultTimeout();
        IReadOnlyList<Message> replies = await PullAllAsync(grid, ids);

        Assert.Equal(20, replies.Count);
        Assert.InRange(handler.MostAtOnce, 1, 3);
    }

    [Fact]
    public async Task AWithdrawnHandlerThatIgnoresItsToken_IsLeftBehind_AndTheNextTaskRunsInItsPlace()
    {
        using var release = new ManualResetEventSlim();
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var grid = new InMemoryGrid(["a", "b"], node => node.NodeId == "a" ? new IgnoringHandler(stuck, release) : new EchoHandler(), new InMemoryGridOptions { MaxParallel = 1 });
        IReadOnlyList<string> first = await grid.PushAsync([Task("a", 1)]).DefaultTimeout();
        await stuck.Task.DefaultTimeout();

        await grid.WithdrawAsync(first).DefaultTimeout();
        IReadOnlyList<string> second = await grid.PushAsync([Task("b", 1)]).DefaultTimeout();
        Message reply = Assert.Single(await PullAllAsync(grid, second));

        Assert.Equal("b", reply.NodeId);
        release.Set();
    }

    [Fact]
    public async Task Dispose_TellsTasksAtWorkToStop_AndWaitsForThem()
    {
        var handler = new BlockingHandler();
        var grid = new InMemoryGrid(["a"], _ => handler);
        await grid.PushAsync([Task("a", 1)]).DefaultTimeout();
        await handler.Started.Task.DefaultTimeout();

        await grid.DisposeAsync().AsTask().DefaultTimeout();

        Assert.True(handler.Stopped.Task.IsCompleted);
        Assert.True(handler.Disposed);
    }

    [Fact]
    public async Task AHandlerIsMadeOncePerNode_AndKeptForItsNextTasks()
    {
        int made = 0;
        await using var grid = new InMemoryGrid(["a"], _ =>
        {
            Interlocked.Increment(ref made);
            return new EchoHandler();
        });

        await PullAllAsync(grid, await grid.PushAsync([Task("a", 1)]));
        await PullAllAsync(grid, await grid.PushAsync([Task("a", 2)]));

        Assert.Equal(1, made);
    }

    [Fact]
    public async Task ANodeThatWritesIntoTheSharedArrays_FailsThePullWithTheTensorsName()
    {
        await using var grid = new InMemoryGrid(["a"], _ => new WritingHandler());
        ArrayRecord arrays = ArrayRecord.From(States.Vector(1f, 2f));

        IReadOnlyList<string> ids = await grid.PushAsync([Task("a", 1) with { Arrays = arrays }]).DefaultTimeout();
        await grid.WaitAsync(ids).DefaultTimeout();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grid.PullAsync(ids)).DefaultTimeout();

        Assert.Contains("tensor 'w'", error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
    }

    private static Message Task(string node, int round) => new() { NodeId = node, Kind = MessageKinds.Train, Round = round };

    private static async Task<IReadOnlyList<Message>> PullAllAsync(IGrid grid, IReadOnlyList<string> ids)
    {
        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        var replies = new List<Message>();
        while (pending.Count > 0)
        {
            await grid.WaitAsync(pending).DefaultTimeout();
            foreach (Message reply in await grid.PullAsync(pending).DefaultTimeout())
            {
                pending.Remove(reply.ReplyTo!);
                replies.Add(reply);
            }
        }

        return [.. replies.OrderBy(r => ids.ToList().IndexOf(r.ReplyTo!))];
    }

    private sealed class EchoHandler : IMessageHandler
    {
        public Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default) =>
            System.Threading.Tasks.Task.FromResult(message.CreateReply(null, MetricRecord.Empty, 7));
    }

    private sealed class ThrowingHandler : IMessageHandler
    {
        public Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no data here");
    }

    private sealed class WritingHandler : IMessageHandler
    {
        public Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
        {
            message.Arrays!.InMemory!["w"].AsSpan<float>()[0] = 99f;
            return System.Threading.Tasks.Task.FromResult(message.CreateReply(null, MetricRecord.Empty, 1));
        }
    }

    private sealed class CountingHandler : IMessageHandler
    {
        private int _running;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
        {
            int now = Interlocked.Increment(ref _running);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }

            await System.Threading.Tasks.Task.Yield();
            Interlocked.Decrement(ref _running);
            return message.CreateReply(null, MetricRecord.Empty, 1);
        }
    }

    /// <summary>Blocks its thread until released, whatever its token says.</summary>
    private sealed class IgnoringHandler(TaskCompletionSource started, ManualResetEventSlim release) : IMessageHandler
    {
        public Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
        {
            started.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return System.Threading.Tasks.Task.FromResult(message.CreateReply(null, MetricRecord.Empty, 1));
        }
    }

    private sealed class BlockingHandler : IMessageHandler, IDisposable
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        public async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            try
            {
                await System.Threading.Tasks.Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            finally
            {
                Stopped.TrySetResult();
            }

            return message.CreateReply(null, MetricRecord.Empty, 1);
        }

        public void Dispose() => Disposed = true;
    }
}
