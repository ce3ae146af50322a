using System.Collections.Immutable;
using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Core.Metrics;
using Confer.Plan;
using Confer.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The plan-driven round controller: assigns the plan's tasks to collaborators each round, hands
/// them out on request (long-poll), accepts results (validated, stored durably, then
/// acknowledged), closes a round by the straggler policy, aggregates in collaborator-name order,
/// aggregates metrics per task (example-weighted), and saves the last and best states.
/// </summary>
internal sealed class PlanRoundController
{
    private readonly FederationPlan _plan;
    private readonly AggregatorOptions _options;
    private readonly ResultStore _store;
    private readonly RoundAggregator _aggregator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MetricsLog? _metricsLog;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _validation = new(2);
    private readonly HashSet<string> _toldToQuit = new(StringComparer.Ordinal);
    private readonly HashSet<(string Collaborator, int Round, string Task)> _acknowledged = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoundState? _round;
    private bool _quit;
    private double? _bestScore;
    private GlobalModel? _previousModel;

    public PlanRoundController(FederationPlan plan, AggregatorOptions options, ILogger logger)
    {
        _plan = plan;
        _options = options;
        _store = new ResultStore(plan.WorkspaceDirectory);
        _aggregator = new RoundAggregator(plan.Strategy);
        _time = options.TimeProvider;
        _logger = logger;
        _metricsLog = plan.Aggregator.WriteLogs ? new MetricsLog(Path.Combine(plan.WorkspaceDirectory, AggregatorMetrics.RelativePath)) : null;
        if (FaultInjection.Description is { } fault)
        {
            DurabilityLog.FaultArmed(_logger, fault, FaultInjection.Variable);
        }
    }

    public FederationPlan Plan => _plan;

    public ResultStore Store => _store;

    public NetworkLimits Limits => _plan.Network.Limits;

    /// <summary>Round durations (seconds), in order, as the aggregator measured them.</summary>
    public List<double> RoundSeconds { get; } = [];

    public async Task<GetTasksResponse> GetTasksAsync(string collaborator, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
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

                    return new GetTasksResponse { Quit = true, RoundsToTrain = _plan.Aggregator.RoundsToTrain };
                }

                if (_round is { Closed: false } round && round.HasPendingTasks(collaborator))
                {
                    var response = new GetTasksResponse
                    {
                        Round = round.Round,
                        RoundsToTrain = _plan.Aggregator.RoundsToTrain,
                        Model = new ModelInfo { Sha256 = round.Model.Sha256, Size = round.Model.Encoded.Length },
                    };
                    response.Tasks.AddRange(round.Assignments[collaborator].Select(t => new TaskAssignment { Name = t.Name, Function = t.Function }));
                    return response;
                }

                changed = _changed.Task;
            }

            var remaining = _options.PollWindow - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return new GetTasksResponse { Retry = true, RoundsToTrain = _plan.Aggregator.RoundsToTrain };
            }

            try
            {
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new GetTasksResponse { Retry = true, RoundsToTrain = _plan.Aggregator.RoundsToTrain };
            }
        }
    }

    /// <summary>The round's global model for a download, held until the lease is disposed; refused when the round is not the current one.</summary>
    public GlobalModel.Lease LeaseModel(int round)
    {
        lock (_gate)
        {
            if (_round is not null && _round.Round == round && _round.Model.TryLease() is { } lease)
            {
                return lease;
            }

            throw new RpcException(new Status(StatusCode.FailedPrecondition, string.Create(CultureInfo.InvariantCulture, $"the model of round {round} is not available: the aggregator is in round {_round?.Round.ToString(CultureInfo.InvariantCulture) ?? "(none)"}")));
        }
    }

    /// <summary>Checks an upload's header before any of its bytes are read; false = a duplicate of an acknowledged result.</summary>
    public bool BeginUpload(string collaborator, ResultHeader header)
    {
        if (!string.Equals(header.Collaborator, collaborator, StringComparison.Ordinal))
        {
            throw Refuse(StatusCode.PermissionDenied, $"the result names collaborator '{header.Collaborator}', but the caller is '{collaborator}'");
        }

        lock (_gate)
        {
            if (_acknowledged.Contains((collaborator, header.Round, header.Task)))
            {
                return false;
            }

            var round = _round;
            if (round is null || header.Round != round.Round)
            {
                var current = round?.Round.ToString(CultureInfo.InvariantCulture) ?? "(none)";
                throw Refuse(StatusCode.FailedPrecondition, string.Create(CultureInfo.InvariantCulture, $"result for round {header.Round}, but the current round is {current}"));
            }

            if (round.Closed)
            {
                throw Refuse(StatusCode.FailedPrecondition, string.Create(CultureInfo.InvariantCulture, $"round {round.Round} is closed (straggler policy or aggregation under way); the result came too late"));
            }

            if (!round.Assignments.TryGetValue(collaborator, out var tasks) || !tasks.Any(t => t.Name == header.Task))
            {
                throw Refuse(StatusCode.FailedPrecondition, string.Create(CultureInfo.InvariantCulture, $"task '{header.Task}' is not assigned to collaborator '{collaborator}' in round {round.Round}"));
            }

            if (header.ModelSize < 0 || header.ModelSize > Limits.MaxTotalUploadSize)
            {
                throw Refuse(StatusCode.ResourceExhausted, $"the result declares {header.ModelSize} bytes; the limit (network.limits.max_total_upload_size) is {Limits.MaxTotalUploadSize}");
            }

            if (header.ExampleCount < 0 || header.ExampleCount > _options.MaxExampleCount)
            {
                throw Refuse(StatusCode.InvalidArgument, $"example count {header.ExampleCount} is outside [0, {_options.MaxExampleCount}]");
            }

            if (header.Metrics.Any(m => !double.IsFinite(m.Value)))
            {
                var bad = header.Metrics.First(m => !double.IsFinite(m.Value));
                throw Refuse(StatusCode.InvalidArgument, $"metric '{bad.Key}' is {bad.Value}; metrics must be finite");
            }

            if (!round.Uploading.Add((collaborator, header.Task)))
            {
                throw Refuse(StatusCode.Aborted, $"another upload of task '{header.Task}' by '{collaborator}' is in progress");
            }

            if (round.Results.Count == 0)
            {
                FaultInjection.Reach(FaultInjection.BeforeFirstResult, round.Round);
            }
        }

        AggregatorLog.SendingTaskResults(_logger, collaborator, header.Task, header.Round);
        return true;
    }

    public void AbortUpload(string collaborator, ResultHeader header)
    {
        lock (_gate)
        {
            if (_round is { } round && round.Round == header.Round)
            {
                round.Uploading.Remove((collaborator, header.Task));
            }
        }
    }

    /// <summary>Validates a fully received and flushed result, stores it for good, and records it; after this returns, the result may be acknowledged.</summary>
    public async Task CompleteUploadAsync(string collaborator, ResultHeader header, string temporaryPath, CancellationToken cancellationToken)
    {
        GlobalModel global;
        lock (_gate)
        {
            global = _round!.Model;
        }

        if (header.ModelSize > 0)
        {
            await _validation.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var description = $"the {header.Task} result of {collaborator} in round {header.Round}";
                try
                {
                    // Checked where it lies, in the mapped file: no decoded copy of the model.
                    UpdateValidator.EnsureValidWeight(header.ExampleCount, description);
                    ResultStore.WithModelBytes(temporaryPath, 4 + header.CalculateSize(), header.ModelSize, (global.State, description), static (bytes, s) =>
                    {
                        UpdateValidator.ValidateEncoded(s.State, bytes, s.description);
                        return true;
                    });
                }
                catch (UpdateRejectedException ex)
                {
                    throw Refuse(StatusCode.InvalidArgument, ex.Message);
                }
                catch (ModelStateException ex)
                {
                    throw Refuse(StatusCode.InvalidArgument, $"{description} is not a valid model state: {ex.Message}");
                }
            }
            finally
            {
                _validation.Release();
            }
        }

        lock (_gate)
        {
            var round = _round!;
            if (round.Round != header.Round || round.Closed)
            {
                throw Refuse(StatusCode.FailedPrecondition, string.Create(CultureInfo.InvariantCulture, $"round {header.Round} closed while the result was uploading"));
            }

            var stored = _store.Commit(temporaryPath, header);
            round.Results[(collaborator, header.Task)] = stored;
            round.Uploading.Remove((collaborator, header.Task));
            _acknowledged.Add((collaborator, header.Round, header.Task));
            AggregatorLog.ResultStored(_logger, collaborator, header.Task, header.Round, header.ModelSize, stored.Path);
            FaultInjection.Reach(FaultInjection.AfterResultStored, header.Round);
            Signal();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var rounds = _plan.Aggregator.RoundsToTrain;
        var (firstRound, global) = LoadStart();
        if (_metricsLog is not null)
        {
            var dropped = _metricsLog.Resume(firstRound);
            AggregatorLog.WritingMetrics(_logger, _metricsLog.Path, firstRound, dropped);
        }

        for (var r = firstRound; r < rounds; r++)
        {
            var round = StartRound(r, global);
            await WaitForRoundAsync(round, cancellationToken).ConfigureAwait(false);
            global = FinishRound(round);
        }

        lock (_gate)
        {
            _quit = true;
            Signal();
        }

        // No round will write over the spare result files any more: give their space back.
        _store.DeleteSpares();
        AggregatorLog.Finished(_logger, rounds);
        await WaitForQuitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where the run starts: the round checkpoint of this plan (a restart), or round 0 from the
    /// initial model, with a first checkpoint written before any result is accepted so that every
    /// stored result belongs to a checkpointed plan. Repairs what a crash may have left: the
    /// <c>last</c> file behind the checkpoint, folders of rounds already aggregated, files written aside.
    /// </summary>
    private (int Round, ModelState Global) LoadStart()
    {
        var lastPath = Resolve(_plan.Aggregator.LastStatePath);
        var bestPath = Resolve(_plan.Aggregator.BestStatePath);
        AtomicFile.DeleteLeftover(_store.CheckpointPath);
        AtomicFile.DeleteLeftover(lastPath);
        AtomicFile.DeleteLeftover(bestPath);

        var checkpoint = _store.ReadCheckpoint();
        if (checkpoint is not null && checkpoint.PlanHash != _plan.Hash)
        {
            var moved = _store.SetAside();
            DurabilityLog.OtherPlanSetAside(_logger, checkpoint.PlanHash, checkpoint.NextRound, _plan.Hash, moved);
            checkpoint = null;
        }
        else if (checkpoint is null && _store.HasContent())
        {
            var moved = _store.SetAside();
            DurabilityLog.NoCheckpointSetAside(_logger, _store.Directory, moved);
        }

        if (checkpoint is null)
        {
            var initPath = Resolve(_plan.Aggregator.InitStatePath);
            if (!File.Exists(initPath))
            {
                throw new FileNotFoundException($"The initial model {initPath} does not exist. Run `confer plan initialize` in the aggregator's workspace first.", initPath);
            }

            var (optimizerState, steps) = _aggregator.ExportOptimizer();
            checkpoint = new FederationProgress(_plan.Hash, 0, null, ModelStateSerializer.Load(initPath), optimizerState, steps);
            _store.WriteCheckpoint(checkpoint);
            return (0, checkpoint.Global);
        }

        _aggregator.ImportOptimizer(checkpoint.OptimizerState, checkpoint.OptimizerSteps);
        _bestScore = checkpoint.BestScore;
        foreach (var stale in _store.StoredRounds().Where(r => r < checkpoint.NextRound))
        {
            _store.DeleteRound(stale);
            DurabilityLog.AggregatedRoundRemoved(_logger, stale);
        }

        if (checkpoint.NextRound > 0)
        {
            var bytes = ModelStateSerializer.ToProto(checkpoint.Global, RoundMetadata(checkpoint.NextRound - 1)).ToByteArray();
            if (!File.Exists(lastPath) || !File.ReadAllBytes(lastPath).AsSpan().SequenceEqual(bytes))
            {
                WriteState(lastPath, checkpoint.Global, checkpoint.NextRound - 1);
                DurabilityLog.LastRestored(_logger, checkpoint.NextRound - 1, lastPath);
            }
        }

        DurabilityLog.ResumedFromCheckpoint(_logger, checkpoint.NextRound, _plan.Aggregator.RoundsToTrain, _store.CheckpointPath, checkpoint.OptimizerSteps);
        return (checkpoint.NextRound, checkpoint.Global);
    }

    private RoundState StartRound(int r, ModelState global)
    {
        var assignments = TaskAssigner.Assign(_plan, r);
        var round = new RoundState(r, new GlobalModel(global, r), assignments, _time.GetTimestamp())
        {
            // A round closed before a crash counts exactly the results it counted then.
            Closed = _store.ReadClosed(r) is not null,
        };
        var resumed = 0;
        foreach (var stored in _store.Load(r))
        {
            var key = (stored.Header.Collaborator, stored.Header.Task);
            if (assignments.TryGetValue(key.Collaborator, out var tasks) && tasks.Any(t => t.Name == key.Task))
            {
                round.Results[key] = stored;
                _acknowledged.Add((key.Collaborator, r, key.Task));
                resumed++;
            }
        }

        if (resumed > 0)
        {
            AggregatorLog.Resumed(_logger, r, _store.RoundDirectory(r), resumed);
        }

        var text = string.Join("; ", assignments.Select(a => $"{a.Key}: {string.Join(", ", a.Value.Select(t => t.Name))}"));
        AggregatorLog.RoundStarted(_logger, r, _plan.Aggregator.RoundsToTrain, text);
        lock (_gate)
        {
            _round = round;
            Signal();
        }

        return round;
    }

    private async Task WaitForRoundAsync(RoundState round, CancellationToken cancellationToken)
    {
        if (round.Closed)
        {
            return;
        }

        await WaitForCloseAsync(round, cancellationToken).ConfigureAwait(false);
        List<StoredResult> counted;
        lock (_gate)
        {
            counted = [.. Ordered(round)];
        }

        _store.WriteClosed(round.Round, counted);
    }

    private async Task WaitForCloseAsync(RoundState round, CancellationToken cancellationToken)
    {
        var policy = _plan.StragglerPolicy;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var reported = round.ReportedCount;
                var assigned = round.Assignments.Count;
                var elapsed = _time.GetElapsedTime(round.StartTimestamp);
                if (reported == assigned || policy.IsRoundComplete(reported, assigned, elapsed))
                {
                    round.Closed = true;
                    if (reported < assigned)
                    {
                        var missing = string.Join(", ", round.Assignments.Keys.Where(c => !round.IsDone(c)));
                        AggregatorLog.RoundCut(_logger, round.Round, policy.Kind.ToString(), reported, assigned, missing);
                    }

                    return;
                }

                changed = _changed.Task;
            }

            var wait = policy.CutoffTime is { } cutoff ? cutoff - _time.GetElapsedTime(round.StartTimestamp) : Timeout.InfiniteTimeSpan;
            if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.FromMilliseconds(10))
            {
                wait = TimeSpan.FromMilliseconds(10);
            }

            try
            {
                await changed.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The cutoff passed: the policy is asked again.
            }
        }
    }

    /// <summary>
    /// Aggregates a closed round and saves it. The order of the writes is what makes a crash at any
    /// point safe: <c>best</c> (only when better; rewritten identically if the round is redone),
    /// then the round checkpoint (the commit point: global model, optimizer state, best score, next
    /// round), then <c>last</c> (restored from the checkpoint at start if missing), then the round's
    /// results are removed (removed at start if left).
    /// </summary>
    private ModelState FinishRound(RoundState round)
    {
        FaultInjection.Reach(FaultInjection.BeforeAggregation, round.Round);
        var ordered = Ordered(round);
        var models = ordered.Where(r => r.Header.ModelSize > 0).ToList();

        // The previous round's global model is not needed any more: once no download holds it, the
        // next global model is computed into its buffers instead of a new model-sized allocation.
        var reusable = _previousModel is { } previous && !ReferenceEquals(previous.State, round.Model.State) && previous.TryRetire() ? previous.State : null;
        var next = _aggregator.Aggregate(round.Model.State, models, reusable);
        _previousModel = round.Model;
        LogMetrics(round, ordered);
        FaultInjection.Reach(FaultInjection.BeforeCheckpoint, round.Round);

        var (optimizerState, steps) = _aggregator.ExportOptimizer();
        _store.WriteCheckpoint(new FederationProgress(_plan.Hash, round.Round + 1, _bestScore, next, optimizerState, steps));
        FaultInjection.Reach(FaultInjection.WhileSaving, round.Round);

        var lastPath = Resolve(_plan.Aggregator.LastStatePath);
        WriteState(lastPath, next, round.Round);
        AggregatorLog.SavedLast(_logger, round.Round, lastPath);
        _store.DeleteRound(round.Round);

        var seconds = _time.GetElapsedTime(round.StartTimestamp).TotalSeconds;
        RoundSeconds.Add(seconds);
        AggregatorLog.RoundFinished(_logger, round.Round, seconds, ordered.Count, models.Count, _aggregator.Name);
        return next;
    }

    /// <summary>A round's results in aggregation order: collaborator name, then task name (never arrival order).</summary>
    private static List<StoredResult> Ordered(RoundState round) =>
        [.. round.Results.OrderBy(r => r.Key.Collaborator, StringComparer.Ordinal).ThenBy(r => r.Key.Task, StringComparer.Ordinal).Select(r => r.Value)];

    private void LogMetrics(RoundState round, List<StoredResult> results)
    {
        var (validationTask, metric) = BestModelCriterion();
        var rows = _metricsLog is null ? null : new List<AggregatorMetric>();
        foreach (var group in results.GroupBy(r => r.Header.Task).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var accumulator = new MetricsAccumulator();
            foreach (var result in group)
            {
                accumulator.Add(result.Header.Metrics, result.Header.ExampleCount);
                rows?.AddRange(result.Header.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => new AggregatorMetric(round.Round, group.Key, m.Key, result.Header.Collaborator, m.Value, result.Header.ExampleCount)));
            }

            foreach (var (name, summary) in accumulator.Result().OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                AggregatorLog.TaskMetric(_logger, round.Round, group.Key, name, summary.Mean, summary.Count, summary.ExampleCount);
                rows?.Add(new AggregatorMetric(round.Round, group.Key, name, null, summary.Mean, summary.ExampleCount));
                if (group.Key == validationTask && name == metric && double.IsFinite(summary.Mean) && IsBetter(summary.Mean, metric))
                {
                    _bestScore = summary.Mean;
                    var bestPath = Resolve(_plan.Aggregator.BestStatePath);
                    WriteState(bestPath, round.Model.State, round.Round);
                    AggregatorLog.SavedBest(_logger, summary.Mean, bestPath);
                }
            }
        }

        // Before the round's checkpoint: a crash in between redoes the round, and the restart drops these rows first.
        _metricsLog?.Append(rows!);
    }

    private bool IsBetter(double score, string metric) =>
        _bestScore is not { } best || (metric.Contains("loss", StringComparison.OrdinalIgnoreCase) ? score < best : score > best);

    /// <summary>The best model is judged on the aggregated model's validation: the first metric of <c>aggregated_model_validation</c> (or the first task applied to the global model).</summary>
    private (string? Task, string? Metric) BestModelCriterion()
    {
        var task = _plan.Tasks.TryGetValue("aggregated_model_validation", out var t) ? t : _plan.Tasks.Values.FirstOrDefault(x => x.Apply == TaskApply.Global);
        return task is null || task.Metrics.IsDefaultOrEmpty ? (null, null) : (task.Name, task.Metrics[0]);
    }

    private async Task WaitForQuitAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_plan.AuthorizedCollaborators.All(_toldToQuit.Contains))
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
                    AggregatorLog.QuitGraceExpired(_logger, _options.QuitGracePeriod.TotalSeconds, string.Join(", ", _plan.AuthorizedCollaborators.Where(c => !_toldToQuit.Contains(c))));
                }

                return;
            }
        }
    }

    /// <summary>Saves a state with its round in the metadata, streamed to the file (no encoded copy in memory), atomically.</summary>
    private static void WriteState(string path, ModelState state, int round) =>
        AtomicFile.Write(path, (state, round), static (stream, s) => ModelStateSerializer.Serialize(s.state, stream, RoundMetadata(s.round)));

    private static ImmutableDictionary<string, string> RoundMetadata(int round) =>
        ImmutableDictionary<string, string>.Empty.Add("round", round.ToString(CultureInfo.InvariantCulture));

    private string Resolve(string relative) => Path.Combine(_plan.WorkspaceDirectory, relative);

    private RpcException Refuse(StatusCode status, string message) => new(new Status(status, message));

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
