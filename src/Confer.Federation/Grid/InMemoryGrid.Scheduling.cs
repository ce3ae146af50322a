using System.Collections.Concurrent;
using Confer.Core;
using Confer.Federation.Grid.Internal;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;

namespace Confer.Federation.Grid;

// How the grid runs its tasks: in push order, at most MaxParallel at once, each no more than
// 2 × MaxParallel places ahead of the first reply not yet pulled, and a push's shared arrays
// checked unchanged once every task of the push is answered. The IGrid side is InMemoryGrid.cs.
public sealed partial class InMemoryGrid
{
    private async Task ScheduleAsync(Batch batch)
    {
        foreach (Entry entry in batch.Entries)
        {
            // The window: never more than 2 × parallelism places ahead of the first reply not yet pulled.
            while (true)
            {
                Task moved;
                lock (_gate)
                {
                    if (entry.Withdrawn || _disposed)
                    {
                        break;
                    }

                    if (entry.Index < batch.FirstOpen + _window)
                    {
                        break;
                    }

                    moved = batch.WindowMoved.Changed;
                }

                try
                {
                    await moved.WaitAsync(_disposing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                await _slots.WaitAsync(entry.Stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                continue;
            }

            lock (_gate)
            {
                if (_disposed || entry.Withdrawn)
                {
                    _slots.Release();
                    continue;
                }
            }

            Task work = RunAsync(entry);
            lock (_gate)
            {
                _work.RemoveAll(t => t.IsCompleted);
                _work.Add(work);
            }
        }
    }

    private async Task RunAsync(Entry entry)
    {
        Message? reply = null;
        Task<Message>? handling = null;
        try
        {
            CancellationToken token = entry.Stop.Token;
            IMessageHandler handler = _handlers.GetOrAdd(entry.Node, i => new Lazy<IMessageHandler>(() => CreateHandler(i))).Value;

            // Task.Run keeps a synchronous handler from holding up the others; WaitAsync lets a
            // handler that ignores its token be left behind when its task is withdrawn.
            handling = Task.Run(() => handler.HandleAsync(entry.Message, token), token);
            reply = await handling.WaitAsync(token).ConfigureAwait(false);
            reply = reply is null
                ? entry.Message.CreateErrorReply(ReasonCode.ClientError, $"The handler of node {entry.Message.NodeId} returned no reply to {entry.Message.Kind}.")
                : reply with { Id = entry.Message.Id, ReplyTo = entry.Message.Id, NodeId = entry.Message.NodeId, Kind = entry.Message.Kind, Round = entry.Message.Round };
        }
        catch (OperationCanceledException) when (entry.Stop.IsCancellationRequested)
        {
            if (_disposing.IsCancellationRequested && !entry.Withdrawn && handling is not null)
            {
                // The grid is being disposed (the run was cancelled): the handler was told to stop; wait until it has.
                await ((Task)handling).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception exception)
        {
            reply = entry.Message.CreateErrorReply(ReasonCode.ClientError, $"{exception.GetType().Name}: {exception.Message}", exception);
        }
        finally
        {
            _slots.Release();
        }

        lock (_gate)
        {
            if (reply is not null && !entry.Withdrawn && !_disposed)
            {
                entry.Reply = reply;
                _ready.Add(entry);
                _changed.Signal();
            }
        }
    }

    private IMessageHandler CreateHandler(int index) =>
        _createHandler(new NodeContext(_nodeIds[index], index, _nodeIds.Count))
        ?? throw new InvalidOperationException($"The handler factory returned no handler for node '{_nodeIds[index]}'.");

    /// <summary>Moves the batch's window past taken and withdrawn tasks. Under the lock.</summary>
    private static void MoveWindow(Batch batch)
    {
        int before = batch.FirstOpen;
        while (batch.FirstOpen < batch.Entries.Length && (batch.Entries[batch.FirstOpen].Taken || batch.Entries[batch.FirstOpen].Withdrawn))
        {
            batch.FirstOpen++;
        }

        if (batch.FirstOpen != before)
        {
            batch.WindowMoved.Signal();
        }
    }

    /// <summary>Counts one more task of the batch taken or withdrawn; true when that was the last.</summary>
    private static bool Settle(Batch batch) => ++batch.Settled == batch.Entries.Length;

    private void VerifyUnchanged(Batch batch)
    {
        try
        {
            Message first = batch.Entries[0].Message;
            string? changed = batch.Guard.FindChange();
            if (changed is not null)
            {
                var fault = new InvalidOperationException(
                    $"Round {first.Round}: a node changed tensor '{changed}' of the arrays it received with its {first.Kind} task. Nodes must treat the arrays they receive as read-only: copy them (ModelState.Clone) before changing them.");
                lock (_gate)
                {
                    _fault ??= fault;
                }

                throw fault;
            }
        }
        finally
        {
            batch.Guard.Dispose();
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw new InvalidOperationException(_fault.Message, _fault);
        }
    }

    private sealed class Batch(Entry[] entries, ReadOnlyGuard guard)
    {
        public Entry[] Entries { get; } = entries;

        public ReadOnlyGuard Guard { get; } = guard;

        /// <summary>The first task whose reply is neither taken nor withdrawn, as of the window's last move.</summary>
        public int FirstOpen { get; set; }

        /// <summary>How many of its tasks are taken or withdrawn.</summary>
        public int Settled { get; set; }

        public GridSignal WindowMoved { get; } = new();
    }

    private sealed class Entry(Message message, int node, Batch batch, int index, CancellationTokenSource stop)
    {
        public Message Message { get; } = message;

        public int Node { get; } = node;

        public Batch Batch { get; } = batch;

        public int Index { get; } = index;

        public CancellationTokenSource Stop { get; } = stop;

        public Message? Reply { get; set; }

        public bool Taken { get; set; }

        public bool Withdrawn { get; set; }
    }
}
