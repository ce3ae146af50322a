using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Grid;
using Confer.Federation.Messages;
using Confer.Plan;
using Confer.Protos.V2;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

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
internal sealed class GrpcGrid : IGrid
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
    private TaskCompletionSource _changed = NewSignal();
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

    public async Task WaitAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var anyOut = false;
                foreach (var id in messageIds)
                {
                    if (_tasks.TryGetValue(id, out var task) && !task.Withdrawn)
                    {
                        if (task.Reply is not null)
                        {
                            return;
                        }

                        anyOut = true;
                    }
                }

                if (!anyOut)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
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

    /// <summary>A collaborator's long-poll: its current tasks when some are unanswered, quit when the federation is over, retry after the poll window.</summary>
    public async Task<PullMessagesResponse> PullMessagesAsync(string collaborator, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var rounds = _plan.Aggregator.RoundsToTrain;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_quit)
                {
                    if (_toldToQuit.Add(collaborator))
                    {
                        AggregatorLog.TellingToQuit(_logger, collaborator);
                        Signal();
                    }

                    return new PullMessagesResponse { Quit = true, Rounds = rounds };
                }

                if (_batchByNode.TryGetValue(collaborator, out var batch) && batch.Any(t => t.Reply is null && !t.Withdrawn))
                {
                    var response = new PullMessagesResponse { Rounds = rounds };
                    response.Messages.AddRange(batch.Where(t => !t.Withdrawn).Select(ToProto));
                    return response;
                }

                changed = _changed.Task;
            }

            var remaining = _options.PollWindow - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return new PullMessagesResponse { Retry = true, Rounds = rounds };
            }

            try
            {
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new PullMessagesResponse { Retry = true, Rounds = rounds };
            }
        }
    }

    /// <summary>The arrays of a task for a download, held until the lease is disposed.</summary>
    public PushedArrays.Lease LeaseArrays(string sha256)
    {
        lock (_gate)
        {
            if (_arraysBySha.TryGetValue(sha256, out var arrays) && arrays.TryLease() is { } lease)
            {
                return lease;
            }

            throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.ArraysUnavailable, string.Create(CultureInfo.InvariantCulture, $"the arrays {sha256} are not available: the aggregator is in round {_currentRound} and keeps only the arrays of its tasks out"));
        }
    }

    /// <summary>Checks a reply's header before any of its bytes are read; false = a duplicate of an acknowledged reply.</summary>
    public bool BeginReply(string collaborator, ReplyHeader header)
    {
        if (!string.Equals(header.Collaborator, collaborator, StringComparison.Ordinal))
        {
            throw Refusal.Create(StatusCode.PermissionDenied, ReasonCode.NameMismatch, $"the reply names collaborator '{header.Collaborator}', but the caller is '{collaborator}'");
        }

        lock (_gate)
        {
            if (_acknowledged.Contains(header.ReplyTo))
            {
                return false;
            }

            if (!_tasks.TryGetValue(header.ReplyTo, out var task) || task.Message.NodeId != collaborator || task.Message.Round != header.Round || task.Message.Kind != header.Kind)
            {
                if (header.Round != _currentRound)
                {
                    throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.StaleRound, string.Create(CultureInfo.InvariantCulture, $"reply for round {header.Round}, but the current round is {_currentRound}"));
                }

                var closed = _batchByNode.TryGetValue(collaborator, out var batch) && batch.Any(t => t.Message.Id == header.ReplyTo && t.Withdrawn);
                throw closed
                    ? Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.RoundClosed, string.Create(CultureInfo.InvariantCulture, $"round {header.Round} closed for task '{header.Kind}' (straggler policy or deadline); the reply came too late"))
                    : Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.NotAssigned, string.Create(CultureInfo.InvariantCulture, $"task '{header.Kind}' ({header.ReplyTo}) is not assigned to collaborator '{collaborator}' in round {header.Round}"));
            }

            if (header.Error is null)
            {
                if (header.ArraysSize < 0 || header.ArraysSize > Limits.MaxTotalUploadSize)
                {
                    throw Refusal.Create(StatusCode.ResourceExhausted, ReasonCode.TooLarge, $"the reply declares {header.ArraysSize} bytes; the limit (network.limits.max_total_upload_size) is {Limits.MaxTotalUploadSize}");
                }

                if (header.ExampleCount < 0 || header.ExampleCount > _options.MaxExampleCount)
                {
                    throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.InvalidExampleCount, $"example count {header.ExampleCount} is outside [0, {_options.MaxExampleCount}]");
                }

                if (header.Metrics.FirstOrDefault(m => !double.IsFinite(m.Value)) is { Key: not null } bad)
                {
                    throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.NonFiniteValue, $"metric '{bad.Key}' is {bad.Value}; metrics must be finite");
                }
            }
            else if (header.ArraysSize != 0)
            {
                throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, "a reply that reports an error carries no arrays");
            }

            if (!_uploading.Add(header.ReplyTo))
            {
                throw Refusal.Create(StatusCode.Aborted, ReasonCode.UploadInProgress, $"another upload of task '{header.Kind}' by '{collaborator}' is in progress");
            }

            if (!_batchByNode.Values.Any(b => b.Any(t => t.Message.Round == header.Round && t.Reply is not null)))
            {
                FaultInjection.Reach(FaultInjection.BeforeFirstResult, header.Round);
            }
        }

        AggregatorLog.SendingTaskResults(_logger, collaborator, header.Kind, header.Round);
        return true;
    }

    public void AbortReply(ReplyHeader header)
    {
        lock (_gate)
        {
            _uploading.Remove(header.ReplyTo);
        }
    }

    /// <summary>Validates a fully received and flushed reply, stores it for good, and records it; after this returns, the reply may be acknowledged.</summary>
    public async Task CompleteReplyAsync(string collaborator, ReplyHeader header, string temporaryPath, CancellationToken cancellationToken)
    {
        ModelState? reference;
        lock (_gate)
        {
            reference = _tasks.TryGetValue(header.ReplyTo, out var task) ? task.Arrays?.State : null;
        }

        if (header.ArraysSize > 0)
        {
            await _validation.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Validate(collaborator, header, temporaryPath, reference);
            }
            finally
            {
                _validation.Release();
            }
        }

        lock (_gate)
        {
            if (!_tasks.TryGetValue(header.ReplyTo, out var task) || task.Withdrawn)
            {
                throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.RoundClosed, string.Create(CultureInfo.InvariantCulture, $"round {header.Round} closed for task '{header.Kind}' while the reply was uploading"));
            }

            var stored = _store.Commit(temporaryPath, header);
            task.Reply = stored;
            _uploading.Remove(header.ReplyTo);
            _acknowledged.Add(header.ReplyTo);
            AggregatorLog.ResultStored(_logger, collaborator, header.Kind, header.Round, header.ArraysSize, stored.Path);
            FaultInjection.Reach(FaultInjection.AfterResultStored, header.Round);
            Signal();
        }
    }

    /// <summary>After the last round: tells every collaborator to quit and waits until each was told, or the grace period ends.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _quit = true;
            Signal();
        }

        // No round will write over the spare result files any more: give their space back.
        _store.DeleteSpares();
        var started = _time.GetTimestamp();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (NodeIds.All(_toldToQuit.Contains))
                {
                    return;
                }

                changed = _changed.Task;
            }

            var remaining = _options.QuitGracePeriod - _time.GetElapsedTime(started);
            try
            {
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    AggregatorLog.QuitGraceExpired(_logger, _options.QuitGracePeriod.TotalSeconds, string.Join(", ", NodeIds.Where(c => !_toldToQuit.Contains(c))));
                }

                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Checks the arrays where they lie, in the mapped file: no decoded copy of the model.</summary>
    private static void Validate(string collaborator, ReplyHeader header, string temporaryPath, ModelState? reference)
    {
        var description = $"the {header.Kind} reply of {collaborator} in round {header.Round}";
        try
        {
            UpdateValidator.EnsureValidWeight(header.ExampleCount, description);
            var offset = 4 + header.CalculateSize();
            if (reference is null)
            {
                var state = ResultStore.ReadModel(temporaryPath, offset, header.ArraysSize)!;
                UpdateValidator.EnsureFinite(state, description);
                return;
            }

            ResultStore.WithModelBytes(temporaryPath, offset, header.ArraysSize, (reference, description), static (bytes, s) =>
            {
                UpdateValidator.ValidateEncoded(s.reference, bytes, s.description);
                return true;
            });
        }
        catch (UpdateRejectedException ex)
        {
            var reason = ex.Reason switch
            {
                UpdateRejectionReason.NonFiniteValue => ReasonCode.NonFiniteValue,
                UpdateRejectionReason.InvalidWeight => ReasonCode.InvalidExampleCount,
                _ => ReasonCode.LayoutMismatch,
            };
            throw Refusal.Create(StatusCode.InvalidArgument, reason, ex.Message);
        }
        catch (ModelStateException ex)
        {
            throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, $"{description} is not a valid model state: {ex.Message}");
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

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private sealed class PendingTask(Message message, PushedArrays? arrays)
    {
        public Message Message { get; } = message;

        public PushedArrays? Arrays { get; } = arrays;

        public StoredResult? Reply { get; set; }

        public bool Withdrawn { get; set; }
    }
}
