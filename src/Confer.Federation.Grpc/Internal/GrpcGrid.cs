using Confer.Core;
using Confer.Federation.Grid;
using Confer.Federation.Messages;
using Confer.Plan;
using Confer.Protos.V2;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The aggregator's side of a real federation's grid: the round controller pushes task messages
/// here, collaborators fetch them (long-poll), download their arrays (chunked, hashed) and push
/// their replies, which are validated against the task and written durably before they are
/// acknowledged. A reply is handed to the controller as lazily read arrays
/// (<see cref="StoredArrays"/>), so memory stays O(model) however many collaborators reply.
/// </summary>
/// <remarks>
/// Durability: after a restart, the controller pushes the tasks of the checkpointed round again;
/// their ids are the same (<c>round/collaborator/kind</c>), so the replies already stored are
/// found and handed out without asking anyone again, and tasks withdrawn before the crash stay
/// withdrawn: the round counts exactly what it counted.
/// </remarks>
internal sealed partial class GrpcGrid : IGrid
{
    private readonly FederationPlan _plan;
    private readonly AggregatorOptions _options;
    private readonly ResultStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _validation = new(2);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PendingTask>> _batchByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PushedArrays> _arraysBySha = new(StringComparer.Ordinal);
    private readonly List<(ModelState State, PushedArrays Arrays)> _arraysByState = [];
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uploading = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toldToQuit = new(StringComparer.Ordinal);
    private readonly HashSet<int> _loadedRounds = [];
    private readonly GridSignal _changed = new();
    private int _currentRound;
    private bool _quit;

    public GrpcGrid(FederationPlan plan, AggregatorOptions options, ResultStore store, ILogger logger)
    {
        _plan = plan;
        _options = options;
        _store = store;
        _logger = logger;
        _time = options.TimeProvider;
        NodeIds = [.. plan.AuthorizedCollaborators.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> NodeIds { get; }

    public NetworkLimits Limits => _plan.Network.Limits;

    public ResultStore Store => _store;

    public Task<IReadOnlyList<string>> PushAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new string[messages.Count];
        lock (_gate)
        {
            var batches = new Dictionary<string, List<PendingTask>>(StringComparer.Ordinal);
            var created = new List<PendingTask>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (!NodeIds.Contains(message.NodeId, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"No collaborator is named '{message.NodeId}'; plan/cols.yaml authorizes {string.Join(", ", NodeIds)}.", nameof(messages));
                }

                var id = Message.CreateId(message.Round, message.NodeId, message.Kind);
                if (_tasks.ContainsKey(id) || created.Any(t => t.Message.Id == id))
                {
                    throw new ArgumentException($"The task {id} is already out; a collaborator gets one task of a kind per round.", nameof(messages));
                }

                var task = new PendingTask(message with { Id = id }, message.Arrays?.InMemory is { } state ? ArraysFor(state, message.Round) : null);
                created.Add(task);
                ids[i] = id;
                if (!batches.TryGetValue(message.NodeId, out var batch))
                {
                    batch = [];
                    batches[message.NodeId] = batch;
                }

                batch.Add(task);
            }

            foreach (var round in created.Select(t => t.Message.Round).Distinct())
            {
                Resume(round, created.Where(t => t.Message.Round == round).ToList());
                _currentRound = Math.Max(_currentRound, round);
            }

            foreach (var task in created)
            {
                _tasks[task.Message.Id] = task;
            }

            foreach (var (node, batch) in batches)
            {
                _batchByNode[node] = batch;
            }

            Signal();
        }

        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    public Task<IReadOnlyList<Message>> PullAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var replies = new List<Message>();
        var round = -1;
        lock (_gate)
        {
            foreach (var id in messageIds)
            {
                if (_tasks.TryGetValue(id, out var task) && task.Reply is { } stored)
                {
                    replies.Add(ToMessage(task, stored));
                    _tasks.Remove(id);
                    round = task.Message.Round;
                }
            }

            if (round >= 0 && !_tasks.Values.Any(t => t.Message.Round == round && !t.Withdrawn))
            {
                // Every task of the round is answered or withdrawn, and every counted reply is stored.
                FaultInjection.Reach(FaultInjection.BeforeAggregation, round);
            }
        }

        return Task.FromResult<IReadOnlyList<Message>>(replies);
    }

    public Task WaitAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return _changed.WaitUntilAsync(
            _gate,
            () => HasReplyOrNoneOutstanding(messageIds),
            cancellationToken);
    }

    public Task WithdrawAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        lock (_gate)
        {
            var withdrawn = new List<PendingTask>();
            foreach (var id in messageIds)
            {
                if (_tasks.Remove(id, out var task) && task.Reply is null)
                {
                    task.Withdrawn = true;
                    withdrawn.Add(task);
                }
            }

            // Durable before it returns: a restarted aggregator must count the same replies.
            foreach (var group in withdrawn.GroupBy(t => t.Message.Round))
            {
                _store.WriteWithdrawn(group.Key, group.Select(t => t.Message.Id));
            }

            if (withdrawn.Count > 0 && !_tasks.Values.Any(t => t.Message.Round == withdrawn[0].Message.Round))
            {
                FaultInjection.Reach(FaultInjection.BeforeAggregation, withdrawn[0].Message.Round);
            }

            Signal();
        }

        return Task.CompletedTask;
    }

    public bool TryReleaseArrays(ModelState state)
    {
        lock (_gate)
        {
            var index = _arraysByState.FindIndex(a => ReferenceEquals(a.State, state));
            if (index < 0)
            {
                return true;
            }

            var arrays = _arraysByState[index].Arrays;
            if (!arrays.TryRetire())
            {
                return false;
            }

            _arraysByState.RemoveAt(index);
            _arraysBySha.Remove(arrays.Sha256);
            return true;
        }
    }

    /// <summary>A restart's view of a round pushed again: the replies stored before the crash count, the tasks withdrawn before it stay withdrawn.</summary>
    private void Resume(int round, List<PendingTask> tasks)
    {
        if (!_loadedRounds.Add(round))
        {
            return;
        }

        var stored = _store.Load(round).ToDictionary(r => r.Header.ReplyTo, StringComparer.Ordinal);
        var withdrawn = _store.ReadWithdrawn(round);
        var resumed = 0;
        foreach (var task in tasks)
        {
            if (stored.TryGetValue(task.Message.Id, out var result))
            {
                task.Reply = result;
                _acknowledged.Add(task.Message.Id);
                resumed++;
            }
            else if (withdrawn.Contains(task.Message.Id))
            {
                task.Withdrawn = true;
            }
        }

        if (resumed > 0 || withdrawn.Count > 0)
        {
            AggregatorLog.Resumed(_logger, round, _store.RoundDirectory(round), resumed);
        }
    }

    private PushedArrays ArraysFor(ModelState state, int round)
    {
        foreach (var (known, arrays) in _arraysByState)
        {
            if (ReferenceEquals(known, state))
            {
                return arrays;
            }
        }

        var pushed = new PushedArrays(state, round);
        _arraysByState.Add((state, pushed));
        _arraysBySha[pushed.Sha256] = pushed;
        return pushed;
    }

    private static TaskMessage ToProto(PendingTask task) => new()
    {
        MessageId = task.Message.Id,
        Kind = task.Message.Kind,
        Round = task.Message.Round,
        Config = ConfigRecords.ToProto(task.Message.Config),
        Arrays = task.Arrays is { } arrays ? new ArraysInfo { Sha256 = arrays.Sha256, Size = arrays.Encoded.Length } : null,
    };

    private static Message ToMessage(PendingTask task, StoredResult stored)
    {
        var header = stored.Header;
        return new Message
        {
            Id = task.Message.Id,
            ReplyTo = task.Message.Id,
            NodeId = task.Message.NodeId,
            Kind = task.Message.Kind,
            Round = task.Message.Round,
            ExampleCount = header.ExampleCount,
            Metrics = new MetricRecord(header.Metrics),
            Arrays = header.ArraysSize > 0 ? new StoredArrays(stored, task.Arrays?.State) : null,
            Error = header.Error is { } error ? Refusal.FromProto(error) : null,
        };
    }

    private void Signal() => _changed.Signal();

    /// <summary>What a wait waits for: a reply to one of the tasks, or none of them still outstanding. Under the lock.</summary>
    private bool HasReplyOrNoneOutstanding(IReadOnlyCollection<string> messageIds)
    {
        bool anyOutstanding = false;
        foreach (string id in messageIds)
        {
            if (_tasks.TryGetValue(id, out var task) && !task.Withdrawn)
            {
                if (task.Reply is not null)
                {
                    return true;
                }

                anyOutstanding = true;
            }
        }

        return !anyOutstanding;
    }

    private sealed class PendingTask(Message message, PushedArrays? arrays)
    {
        public Message Message { get; } = message;

        public PushedArrays? Arrays { get; } = arrays;

        public StoredResult? Reply { get; set; }

        public bool Withdrawn { get; set; }
    }
}
