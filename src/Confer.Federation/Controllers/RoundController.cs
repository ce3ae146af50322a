using Confer.Core;
using Confer.Federation.Controllers.Internal;
using Confer.Federation.Grid;
using Confer.Federation.Messages;
using Confer.Federation.Strategies;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Controllers;

/// <summary>
/// The one round loop of Confer (Flower's <c>Server.fit</c>, OpenFL's aggregator): each round, the
/// strategy chooses nodes and task messages, the controller sends them over the grid, folds the
/// replies in the fixed order of the messages, evaluates centrally, then runs distributed
/// evaluation; it keeps the best and last model and, with a checkpoint store, commits every round
/// so a restarted run resumes where it was. Simulation, a plan-driven federation over gRPC and
/// flows all run through this class; only the grid and the strategy differ.
/// </summary>
/// <remarks>
/// A node's failure (an error reply, a timeout, a straggler cut, a reply the strategy refuses)
/// becomes a <see cref="ClientFailure"/> and the round goes on; the strategy decides what failures
/// mean. Exceptions from the strategy itself, from the grid, and cancellation end the run.
/// </remarks>
public sealed class RoundController
{
    private readonly IStrategy _strategy;
    private readonly IGrid _grid;
    private readonly RoundControllerOptions _options;
    private readonly ILogger _logger;
    private readonly PhaseRunner _phases;

    /// <summary>Creates a controller.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="grid">The nodes.</param>
    /// <param name="options">How to run; defaults when null.</param>
    public RoundController(IStrategy strategy, IGrid grid, RoundControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(grid);
        _strategy = strategy;
        _grid = grid;
        _options = options ?? new RoundControllerOptions();
        _logger = _options.LoggerFactory.CreateLogger("Confer.Federation.RoundController");
        _phases = new PhaseRunner(grid, _options, _logger);
    }

    /// <summary>Runs the rounds, from the first or from the checkpoint's.</summary>
    /// <param name="cancellationToken">Stops the run: tasks at work are told to stop, then <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The history of the rounds this call ran.</returns>
    /// <exception cref="NotEnoughClientsException">Fewer nodes are available than the strategy requires; nothing was run.</exception>
    public async Task<History> RunAsync(CancellationToken cancellationToken = default)
    {
        int available = _grid.NodeIds.Count;
        if (available < _strategy.RequiredClients)
        {
            throw new NotEnoughClientsException(
                $"{_strategy.Name} needs at least {_strategy.RequiredClients} available nodes (the largest of its minimum available, fit and evaluate clients), but the federation has {available}. Add nodes or lower the strategy's minimums.");
        }

        ControllerLog.RunStarting(_logger, _options.Rounds, _strategy.Name, available);
        int round = 0;
        try
        {
            (int firstRound, ModelState parameters, double? best, CentralizedEvaluation? initial) = await StartAsync(cancellationToken).ConfigureAwait(false);
            _options.Listener?.RunStarting(firstRound, parameters);
            var rounds = new List<RoundRecord>(Math.Max(0, _options.Rounds - firstRound + 1));
            ModelState? previous = null;
            for (round = firstRound; round <= _options.Rounds; round++)
            {
                // The model of two rounds back: once the grid holds it no more, the new one may be written into its buffers.
                ModelState? reusable = previous is not null && !ReferenceEquals(previous, parameters) && _grid.TryReleaseArrays(previous) ? previous : null;
                long start = _options.TimeProvider.GetTimestamp();
                (RoundRecord record, ModelState next) = await RunRoundAsync(round, parameters, reusable, cancellationToken).ConfigureAwait(false);
                best = Commit(record, parameters, next, best);

                // A round's time includes its commit: the checkpoint and the model files are part of it.
                record = record with { Seconds = _options.TimeProvider.GetElapsedTime(start).TotalSeconds };
                _options.Progress?.Report(new RoundProgress(round, _options.Rounds, RoundPhase.Completed, record.FitResults + record.FitFailures.Count, record.FitResults + record.FitFailures.Count, record.FitFailures.Count, record));
                ControllerLog.RoundFinished(_logger, round, record.Seconds, record.FitResults + record.EvaluateResults, record.ModelsAggregated, _strategy.Name, record.FitFailures.Count + record.EvaluateFailures.Count);
                rounds.Add(record);
                previous = parameters;
                parameters = next;
            }

            ControllerLog.Finished(_logger, _options.Rounds);
            return new History(_strategy.Name, initial, rounds, parameters);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ControllerLog.RunCancelled(_logger, round);
            throw;
        }
    }

    /// <summary>Where the run starts: the checkpoint's round, or round 1 from the initial model (committed first, so every stored reply belongs to a checkpointed run).</summary>
    private async Task<(int Round, ModelState Parameters, double? Best, CentralizedEvaluation? Initial)> StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Checkpoints?.Read() is { } checkpoint)
        {
            if (_strategy is IStatefulStrategy stateful)
            {
                stateful.ImportState(checkpoint.StrategyState, checkpoint.StrategySteps);
            }
            else if (checkpoint.StrategyState.Count > 0)
            {
                throw new InvalidDataException($"The round checkpoint holds strategy state, but {_strategy.Name} keeps none.");
            }

            ControllerLog.ResumedFromCheckpoint(_logger, checkpoint.NextRound, _options.Rounds, checkpoint.StrategySteps);
            return (checkpoint.NextRound, checkpoint.Global, checkpoint.BestScore, null);
        }

        ModelState parameters = await InitializeParametersAsync(cancellationToken).ConfigureAwait(false);
        _options.Checkpoints?.Write(Checkpoint(1, parameters, null));
        CentralizedEvaluation? initial = await _strategy.EvaluateAsync(0, parameters, cancellationToken).ConfigureAwait(false);
        if (initial is not null)
        {
            ControllerLog.CentralizedEvaluated(_logger, 0, initial.Loss, initial.Metrics);
        }

        return (1, parameters, null, initial);
    }

    private async Task<ModelState> InitializeParametersAsync(CancellationToken cancellationToken)
    {
        ModelState? parameters = await _strategy.InitializeParametersAsync(cancellationToken).ConfigureAwait(false);
        if (parameters is not null)
        {
            return parameters;
        }

        // As in Flower: without initial parameters, ask one node (chosen with the run's seed).
        string node = new SeededClientManager(_grid.NodeIds, _options.Seed, 0, RoundPhase.Fit).Sample(1, 1)[0];
        IReadOnlyList<Message> replies = await _grid.SendAndReceiveAsync(
            [new Message { NodeId = node, Kind = MessageKinds.Query, Round = 0 }],
            _options.RoundTimeout,
            _options.TimeProvider,
            cancellationToken).ConfigureAwait(false);
        Message reply = replies.Count == 1 ? replies[0] : throw new InvalidOperationException($"Node {node} did not answer the query for initial parameters within the round timeout, and the strategy has no initial parameters.");
        if (reply.Error is { } error || reply.Arrays is null)
        {
            throw new InvalidOperationException($"Node {node} returned no parameters to the query for initial parameters ({reply.Error?.Text ?? "no arrays"}), and the strategy has no initial parameters.");
        }

        ControllerLog.InitialParametersFromClient(_logger, node);
        return reply.Arrays.ToModelState();
    }

    private async Task<(RoundRecord Record, ModelState Parameters)> RunRoundAsync(int round, ModelState parameters, ModelState? reusable, CancellationToken cancellationToken)
    {

        // Training.
        IReadOnlyList<Message> trainTasks = _strategy.ConfigureTrain(round, parameters, new SeededClientManager(_grid.NodeIds, _options.Seed, round, RoundPhase.Fit));
        PhaseRunner.Result train = new(0, 0, [], []);
        MetricRecord trainMetrics = MetricRecord.Empty;
        ModelState next = parameters;
        if (trainTasks.Count == 0)
        {
            ControllerLog.FitSkipped(_logger, round);
        }
        else
        {
            ControllerLog.RoundStarted(_logger, round, _options.Rounds, Describe(trainTasks));
            ITrainAggregation aggregation = _strategy.BeginAggregateTrain(round, parameters);
            train = await _phases.RunAsync(round, RoundPhase.Fit, trainTasks, aggregation.Add, cancellationToken).ConfigureAwait(false);
            TrainAggregate aggregate = aggregation.Complete(train.Failures, reusable);
            trainMetrics = aggregate.Metrics;
            if (aggregate.Parameters is null)
            {
                ControllerLog.FitNotAggregated(_logger, round, aggregate.Skipped ?? "the strategy aggregated nothing", train.Accepted, train.Failures.Count);
            }
            else
            {
                next = aggregate.Parameters;
            }
        }

        // Centralized evaluation of the new global model.
        _options.Progress?.Report(new RoundProgress(round, _options.Rounds, RoundPhase.CentralizedEvaluate, 0, 0, 0));
        CentralizedEvaluation? centralized = await _strategy.EvaluateAsync(round, next, cancellationToken).ConfigureAwait(false);
        if (centralized is not null)
        {
            ControllerLog.CentralizedEvaluated(_logger, round, centralized.Loss, centralized.Metrics);
        }

        // Distributed evaluation.
        IReadOnlyList<Message> evaluateTasks = _strategy.ConfigureEvaluate(round, next, new SeededClientManager(_grid.NodeIds, _options.Seed, round, RoundPhase.Evaluate));
        PhaseRunner.Result evaluate = new(0, 0, [], []);
        EvaluateAggregate? evaluated = null;
        if (evaluateTasks.Count > 0)
        {
            IEvaluateAggregation aggregation = _strategy.BeginAggregateEvaluate(round);
            evaluate = await _phases.RunAsync(round, RoundPhase.Evaluate, evaluateTasks, aggregation.Add, cancellationToken).ConfigureAwait(false);
            evaluated = aggregation.Complete(evaluate.Failures);
        }

        var record = new RoundRecord
        {
            Round = round,
            LossDistributed = evaluated?.Loss,
            MetricsDistributed = evaluated?.Metrics ?? MetricRecord.Empty,
            MetricsDistributedFit = trainMetrics,
            LossCentralized = centralized?.Loss,
            MetricsCentralized = centralized?.Metrics ?? MetricRecord.Empty,
            FitResults = train.Accepted,
            ModelsAggregated = ReferenceEquals(next, parameters) ? 0 : train.Models,
            FitFailures = train.Failures,
            EvaluateResults = evaluate.Accepted,
            EvaluateFailures = evaluate.Failures,
            ParametersUpdated = !ReferenceEquals(next, parameters),
            Reports = [.. train.Reports, .. evaluate.Reports],
        };
        return (record, next);
    }

    /// <summary>
    /// Commits a round in the order that makes a crash at any point safe: what the listener writes
    /// for the aggregated round (best model, metrics: redone identically if the round is redone),
    /// then the checkpoint (the commit point), then what the listener writes from it (last model).
    /// </summary>
    private double? Commit(RoundRecord record, ModelState input, ModelState output, double? best)
    {
        bool isNewBest = false;
        ModelState judged = output;
        if (_options.BestModel is { } criterion)
        {
            judged = criterion.JudgesRoundInput ? input : output;
            if (criterion.Score(record) is { } score && double.IsFinite(score)
                && (best is not { } current || (criterion.HigherIsBetter ? score > current : score < current)))
            {
                best = score;
                isNewBest = true;
                ControllerLog.NewBest(_logger, record.Round, criterion.Description, score);
            }
        }

        var outcome = new RoundOutcome(record, input, output, best, isNewBest, judged);
        _options.Listener?.RoundAggregated(outcome);
        _options.Checkpoints?.Write(Checkpoint(record.Round + 1, output, best));
        _options.Listener?.RoundCommitted(outcome);
        return best;
    }

    private RoundCheckpoint Checkpoint(int nextRound, ModelState global, double? best)
    {
        (ModelState state, int steps) = _strategy is IStatefulStrategy stateful ? stateful.ExportState() : (ModelState.Empty, 0);
        return new RoundCheckpoint(nextRound, global, state, steps, best);
    }

    private static string Describe(IReadOnlyList<Message> tasks)
    {
        if (tasks.Count > 20)
        {
            return $"{tasks.Count} tasks to {tasks.Select(t => t.NodeId).Distinct(StringComparer.Ordinal).Count()} nodes";
        }

        return string.Join("; ", tasks.GroupBy(t => t.NodeId, StringComparer.Ordinal).Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => t.Kind))}"));
    }
}
