using System.Collections.Concurrent;
using Confer.Core;
using Confer.Federation.Grid.Internal;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;
using Confer.Federation.Nodes.Internal;

namespace Confer.Federation.Grid;

/// <summary>
/// A grid of virtual nodes in this process (Flower's in-memory grid): simulation, workflow
/// runtimes and tests. Each node's <see cref="IMessageHandler"/> is created on its first task and
/// kept until the grid is disposed; tasks run on the thread pool, at most
/// <see cref="InMemoryGridOptions.MaxParallel"/> at once, in the order they were pushed.
/// </summary>
/// <remarks>
/// <para>
/// Memory stays flat however many nodes a round has: a task starts only while it is fewer than
/// 2 × <see cref="InMemoryGridOptions.MaxParallel"/> places after the first task of its push whose
/// reply has not been pulled. A controller that folds in the pushed order holds the replies it
/// pulled past a gap (an earlier one still at work) until the gap fills, so at most
/// 4 × <see cref="InMemoryGridOptions.MaxParallel"/> replies exist at once, and 2 × while the
/// folds keep up.
/// </para>
/// <para>
/// The arrays of a push are shared by every node it reaches, never copied: a copy per virtual node
/// would cost more than the round. A node that writes into them would silently change what the
/// others work on, so the grid compares them with a copy taken at the push once every task of the
/// push is answered, and a change fails the next <see cref="PullAsync"/> with a message naming the
/// tensor.
/// </para>
/// </remarks>
public sealed partial class InMemoryGrid : IGrid, IAsyncDisposable
{
    private readonly IReadOnlyList<string> _nodeIds;
    private readonly NumberedNodeIds? _numbered;
    private readonly Dictionary<string, int>? _named;
    private readonly Func<NodeContext, IMessageHandler> _createHandler;
    private readonly ConcurrentDictionary<int, Lazy<IMessageHandler>> _handlers = new();
    private readonly int _maxParallel;
    private readonly int _window;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _outstanding = new(StringComparer.Ordinal);

    // The outstanding tasks that have a reply, in the order the replies came: pulls and waits look
    // here, so a round of n tasks costs O(n) in all, not O(n) per reply.
    private readonly List<Entry> _ready = [];
    private readonly List<Batch> _unstarted = [];
    private readonly List<Worker> _workers = [];
    private readonly GridSignal _runnable = new();
    private int _active;
    private readonly CancellationTokenSource _disposing = new();
    private readonly GridSignal _changed = new();
    private Exception? _fault;
    private bool _disposed;

    /// <summary>Creates a grid of <paramref name="nodeCount"/> nodes named "0" to "nodeCount − 1" (made on demand: a million nodes hold no list of names).</summary>
    /// <param name="nodeCount">The number of nodes; at least 1.</param>
    /// <param name="createHandler">Creates a node's handler, on its first task; may be called from several threads at once.</param>
    /// <param name="options">Parallelism; defaults when null.</param>
    public InMemoryGrid(int nodeCount, Func<NodeContext, IMessageHandler> createHandler, InMemoryGridOptions? options = null)
        : this(createHandler, options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 1);
        _numbered = new NumberedNodeIds(nodeCount);
        _nodeIds = _numbered;
    }

    /// <summary>Creates a grid of nodes with the given names, in that (fold) order.</summary>
    /// <param name="nodeIds">The names, unique and not empty, e.g. Portland, Seattle, Chandler, Bangalore.</param>
    /// <param name="createHandler">Creates a node's handler, on its first task; may be called from several threads at once.</param>
    /// <param name="options">Parallelism; defaults when null.</param>
    public InMemoryGrid(IReadOnlyList<string> nodeIds, Func<NodeContext, IMessageHandler> createHandler, InMemoryGridOptions? options = null)
        : this(createHandler, options)
    {
        ArgumentNullException.ThrowIfNull(nodeIds);
        if (nodeIds.Count == 0)
        {
            throw new ArgumentException("A grid needs at least one node.", nameof(nodeIds));
        }

        _named = new Dictionary<string, int>(nodeIds.Count, StringComparer.Ordinal);
        for (int i = 0; i < nodeIds.Count; i++)
        {
            string id = nodeIds[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new ArgumentException($"Node name {i} is empty; every node needs a name.", nameof(nodeIds));
            }

            if (!_named.TryAdd(id, i))
            {
                throw new ArgumentException($"Two nodes are named '{id}' (positions {_named[id]} and {i}); node names must be unique.", nameof(nodeIds));
            }
        }

        _nodeIds = nodeIds.ToArray();
    }

    private InMemoryGrid(Func<NodeContext, IMessageHandler> createHandler, InMemoryGridOptions? options)
    {
        ArgumentNullException.ThrowIfNull(createHandler);
        _createHandler = createHandler;
        int parallel = (options ?? new InMemoryGridOptions()).MaxParallel;
        _maxParallel = parallel;
        _window = 2 * parallel;
        _nodeIds = [];
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> NodeIds => _nodeIds;

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> PushAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entries = new Entry[messages.Count];
        var ids = new string[messages.Count];
        var batch = new Batch(entries, new ReadOnlyGuard(messages.Select(m => m.Arrays?.InMemory).OfType<ModelState>()));
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < messages.Count; i++)
            {
                Message message = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
                int node = IndexOf(message.NodeId);
                string id = Message.CreateId(message.Round, message.NodeId, message.Kind);
                if (_outstanding.ContainsKey(id) || !seen.Add(id))
                {
                    batch.Guard.Dispose();
                    throw new ArgumentException($"A task {id} (round {message.Round}, node {message.NodeId}, kind {message.Kind}) is already out; a node gets one task of a kind per round.", nameof(messages));
                }

                ids[i] = id;
                // Not linked to _disposing: a linked source would leave a registration on it for every
                // task of the run. DisposeAsync cancels the outstanding ones itself.
                entries[i] = new Entry(message with { Id = id }, node, batch, i, new CancellationTokenSource());
            }

            foreach (Entry entry in entries)
            {
                _outstanding[entry.Message.Id] = entry;
            }

            if (entries.Length > 0)
            {
                _unstarted.Add(batch);
                _runnable.Signal();
                StartWorkers(entries.Length);
            }
        }

        if (entries.Length == 0)
        {
            batch.Guard.Dispose();
        }

        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Message>> PullAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlySet<string> wanted = AsSet(messageIds);
        var replies = new List<(Entry Entry, Message Reply)>();
        var finished = new List<Batch>();
        lock (_gate)
        {
            ThrowIfFaulted();
            int kept = 0;
            for (int i = 0; i < _ready.Count; i++)
            {
                Entry entry = _ready[i];
                if (!wanted.Contains(entry.Message.Id))
                {
                    _ready[kept++] = entry;
                    continue;
                }

                replies.Add((entry, entry.Reply!));
                entry.Reply = null;
                entry.Taken = true;
                _outstanding.Remove(entry.Message.Id);
                MoveWindow(entry.Batch);
                if (Settle(entry.Batch))
                {
                    finished.Add(entry.Batch);
                }
            }

            _ready.RemoveRange(kept, _ready.Count - kept);
        }

        // Checked outside the lock: a model-sized comparison, once per push, before its last reply is handed out.
        foreach (Batch batch in finished)
        {
            VerifyUnchanged(batch);
        }

        replies.Sort((a, b) => a.Entry.Index.CompareTo(b.Entry.Index));
        return Task.FromResult<IReadOnlyList<Message>>([.. replies.Select(r => r.Reply)]);
    }

    /// <inheritdoc/>
    public Task WaitAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return _changed.WaitUntilAsync(
            _gate,
            () =>
            {
                ThrowIfFaulted();
                return HasReplyOrNoneOutstanding(messageIds);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task WithdrawAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var finished = new List<Batch>();
        var stopping = new List<CancellationTokenSource>();
        lock (_gate)
        {
            foreach (string id in messageIds)
            {
                if (_outstanding.Remove(id, out Entry? entry))
                {
                    if (entry.Reply is not null)
                    {
                        _ready.Remove(entry);
                    }

                    entry.Withdrawn = true;
                    entry.Reply = null;
                    stopping.Add(entry.Stop);
                    Abandon(entry);
                    MoveWindow(entry.Batch);
                    if (Settle(entry.Batch))
                    {
                        finished.Add(entry.Batch);
                    }
                }
            }

            _changed.Signal();
            _runnable.Signal();
        }

        foreach (CancellationTokenSource stop in stopping)
        {
            stop.Cancel();
        }

        foreach (Batch batch in finished)
        {
            batch.Guard.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Always false: a node in this process may keep a reference to the arrays it was given.</remarks>
    public bool TryReleaseArrays(ModelState state) => false;

    /// <summary>Tells every task at work to stop, waits until each has (except those withdrawn earlier, which may ignore their token), and disposes the handlers.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        CancellationTokenSource[] stops;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            stops = [.. _outstanding.Values.Select(e => e.Stop)];
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (CancellationTokenSource stop in stops)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        // Every worker but those left behind with a withdrawn task (whose handler may ignore its token).
        Task[] work;
        lock (_gate)
        {
            work = [.. _workers.Where(w => !w.Abandoned).Select(w => w.Task!)];
        }

        foreach (Task task in work)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (Lazy<IMessageHandler> handler in _handlers.Values.Where(h => h.IsValueCreated))
        {
            await Disposal.DisposeAsync(handler.Value).ConfigureAwait(false);
        }

        // The token sources are not disposed: a handler left behind at a withdrawal may still run
        // and read its token.
    }

    private static IReadOnlySet<string> AsSet(IReadOnlyCollection<string> ids) =>
        ids as IReadOnlySet<string> ?? new HashSet<string>(ids, StringComparer.Ordinal);

    /// <summary>What a wait waits for: a reply to one of the tasks, or none of them still outstanding. Under the lock.</summary>
    private bool HasReplyOrNoneOutstanding(IReadOnlyCollection<string> messageIds)
    {
        if (_ready.Count > 0)
        {
            IReadOnlySet<string> wanted = AsSet(messageIds);
            foreach (Entry entry in _ready)
            {
                if (wanted.Contains(entry.Message.Id))
                {
                    return true;
                }
            }
        }

        // No reply yet: the wait goes on while one of the tasks is out (usually the first one looked at).
        foreach (string id in messageIds)
        {
            if (_outstanding.ContainsKey(id))
            {
                return false;
            }
        }

        return true;
    }

    private int IndexOf(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        int index;
        bool known = _numbered is not null ? _numbered.TryGetIndex(nodeId, out index) : _named!.TryGetValue(nodeId, out index);
        return known
            ? index
            : throw new ArgumentException($"No node is named '{nodeId}'; this grid has {_nodeIds.Count} nodes.", nameof(nodeId));
    }
}
