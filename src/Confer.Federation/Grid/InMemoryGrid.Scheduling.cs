using Confer.Federation.Grid.Internal;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;

namespace Confer.Federation.Grid;

// How the grid runs its tasks: at most MaxParallel workers, each running tasks in push order on
// its own thread, no task more than 2 × MaxParallel places ahead of the first reply of its push not
// yet pulled, and a push's shared arrays checked unchanged once every task of the push is answered.
// The IGrid side is InMemoryGrid.cs.
public sealed partial class InMemoryGrid
{
    /// <summary>Starts workers, up to the parallelism, for <paramref name="tasks"/> more tasks. Under the lock.</summary>
    private void StartWorkers(int tasks)
    {
        _workers.RemoveAll(w => w.Task!.IsCompleted);
        for (int i = 0; i < tasks && _active < _maxParallel && !_disposed; i++)
        {
            _active++;
            var worker = new Worker();
            _workers.Add(worker);
            worker.Task = Task.Run(() => WorkAsync(worker), CancellationToken.None);
        }
    }

    /// <summary>
    /// A worker: runs the next task that may start, one after the other, each on this thread (no
    /// hop per task), and ends when no task is left to start. A worker whose task is withdrawn while
    /// it runs is left behind with it (its handler may ignore its token) and another takes its place.
    /// </summary>
    private async Task WorkAsync(Worker worker)
    {
        while (true)
        {
            Entry? entry;
            Task? windowMoved = null;
            lock (_gate)
            {
                if (worker.Abandoned)
                {
                    return;
                }

                bool blocked = false;
                entry = _disposed ? null : NextToStart(out blocked);
                if (entry is not null)
                {
                    entry.Worker = worker;
                }
                else if (blocked)
                {
                    windowMoved = _runnable.Changed;
                }
                else
                {
                    _active--;
                    return;
                }
            }

            if (entry is null)
            {
                try
                {
                    await windowMoved!.WaitAsync(_disposing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Disposed: the next look ends this worker.
                }

                continue;
            }

            await RunAsync(entry).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The next task that may start, in push order: fewer than 2 × parallelism places after the
    /// first task of its push whose reply has not been pulled. <paramref name="blocked"/> says
    /// whether tasks are waiting for their window to move. Under the lock.
    /// </summary>
    private Entry? NextToStart(out bool blocked)
    {
        blocked = false;
        for (int b = 0; b < _unstarted.Count; b++)
        {
            Batch batch = _unstarted[b];
            while (batch.NextToStart < batch.Entries.Length && batch.Entries[batch.NextToStart].Withdrawn)
            {
                batch.NextToStart++;
            }

            if (batch.NextToStart == batch.Entries.Length)
            {
                _unstarted.RemoveAt(b--);
                continue;
            }

            if (batch.NextToStart < batch.FirstOpen + _window)
            {
                return batch.Entries[batch.NextToStart++];
            }

            blocked = true;
        }

        return null;
    }

    /// <summary>A withdrawn task's worker, if it is at work on it, is left behind and replaced. Under the lock.</summary>
    private void Abandon(Entry entry)
    {
        if (entry.Worker is { Abandoned: false } worker && !entry.Finished)
        {
            worker.Abandoned = true;
            _active--;
            StartWorkers(1);
        }
    }

    private async Task RunAsync(Entry entry)
    {
        Message? reply = null;
        Task<Message>? handling = null;
        try
        {
            CancellationToken token = entry.Stop.Token;
            token.ThrowIfCancellationRequested();
            IMessageHandler handler = _handlers.GetOrAdd(entry.Node, i => new Lazy<IMessageHandler>(() => CreateHandler(i))).Value;

            // WaitAsync lets a handler that ignores its token be left behind when its task is withdrawn.
            handling = handler.HandleAsync(entry.Message, token);
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

        lock (_gate)
        {
            entry.Finished = true;
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
    private void MoveWindow(Batch batch)
    {
        int before = batch.FirstOpen;
        while (batch.FirstOpen < batch.Entries.Length && (batch.Entries[batch.FirstOpen].Taken || batch.Entries[batch.FirstOpen].Withdrawn))
        {
            batch.FirstOpen++;
        }

        if (batch.FirstOpen != before)
        {
            _runnable.Signal();
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

        /// <summary>The first task no worker has taken yet.</summary>
        public int NextToStart { get; set; }
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

        /// <summary>The worker that took it, once one has.</summary>
        public Worker? Worker { get; set; }

        /// <summary>Whether its handler has returned (or was left behind).</summary>
        public bool Finished { get; set; }
    }

    private sealed class Worker
    {
        public Task? Task { get; set; }

        /// <summary>Left behind with a withdrawn task; no longer counted against the parallelism.</summary>
        public bool Abandoned { get; set; }
    }
}
