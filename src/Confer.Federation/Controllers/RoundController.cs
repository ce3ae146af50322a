using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Channels;
using Confer.Federation.Clients;
using Confer.Federation.Controllers.Internal;
using Confer.Federation.Strategies;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Controllers;

/// <summary>
/// Drives rounds of a federation with a strategy over a channel (Flower's <c>Server.fit</c>): each
/// round, the strategy picks clients and configuration, the controller runs their fit tasks through
/// the channel, folds the results in the fixed client order, evaluates centrally and then
/// distributed. It knows nothing of how the channel reaches the clients.
/// </summary>
/// <remarks>
/// A client's failure (exception, timeout, wrong layout, non-finite values, invalid example count)
/// becomes a <see cref="ClientFailure"/> and the round goes on; the strategy decides what failures
/// mean. Exceptions from the strategy itself, and cancellation, end the run.
/// </remarks>
public sealed class RoundController
{
    private readonly IStrategy _strategy;
    private readonly IChannel _channel;
    private readonly RoundControllerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a controller.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="channel">The channel to the clients.</param>
    /// <param name="options">How to run; defaults when null.</param>
    public RoundController(IStrategy strategy, IChannel channel, RoundControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(channel);
        _strategy = strategy;
        _channel = channel;
        _options = options ?? new RoundControllerOptions();
        _logger = _options.LoggerFactory.CreateLogger("Confer.Federation.RoundController");
    }

    /// <summary>Runs all rounds.</summary>
    /// <param name="cancellationToken">Stops the run: running client tasks are told to stop and awaited, then <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="NotEnoughClientsException">Fewer clients are available than the strategy requires; nothing was run.</exception>
    public async Task<History> RunAsync(CancellationToken cancellationToken = default)
    {
        int available = _channel.Clients.Count;
        if (available < _strategy.RequiredClients)
        {
            throw new NotEnoughClientsException(
                $"{_strategy.Name} needs at least {_strategy.RequiredClients} available clients (the largest of its minimum available, fit and evaluate clients), but the federation has {available}. Add clients or lower the strategy's minimums.");
        }

        ControllerLog.RunStarting(_logger, _options.Rounds, _strategy.Name, available, _options.MaxParallelClients);
        int round = 0;
        try
        {
            ModelState parameters = await InitializeParametersAsync(cancellationToken).ConfigureAwait(false);
            CentralizedEvaluation? initial = await _strategy.EvaluateAsync(0, parameters, cancellationToken).ConfigureAwait(false);
            if (initial is not null)
            {
                ControllerLog.CentralizedEvaluated(_logger, 0, initial.Loss, initial.Metrics);
            }

            var rounds = new List<RoundRecord>(_options.Rounds);
            for (round = 1; round <= _options.Rounds; round++)
            {
                (RoundRecord record, parameters) = await RunRoundAsync(round, parameters, cancellationToken).ConfigureAwait(false);
                rounds.Add(record);
            }

            return new History(_strategy.Name, initial, rounds, parameters);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ControllerLog.RunCancelled(_logger, round);
            throw;
        }
    }

    private async Task<ModelState> InitializeParametersAsync(CancellationToken cancellationToken)
    {
        ModelState? parameters = await _strategy.InitializeParametersAsync(cancellationToken).ConfigureAwait(false);
        if (parameters is not null)
        {
            return parameters;
        }

        // As in Flower: without initial parameters, ask one client (chosen with the run's seed).
        IReadOnlyList<string> one = new SeededClientManager(_channel.Clients, _options.Seed, 0, RoundPhase.Fit).Sample(1, 1);
        string client = one[0];
        ModelState fromClient = await _channel.GetParametersAsync(client, ConfigRecord.Empty, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Client {client} returned no parameters from GetParameters, and the strategy has no initial parameters.");
        ControllerLog.InitialParametersFromClient(_logger, client);
        return fromClient;
    }

    private async Task<(RoundRecord Record, ModelState Parameters)> RunRoundAsync(int round, ModelState parameters, CancellationToken cancellationToken)
    {
        long start = _options.TimeProvider.GetTimestamp();

        // Fit.
        var fitManager = new SeededClientManager(_channel.Clients, _options.Seed, round, RoundPhase.Fit);
        IReadOnlyList<ClientInstructions<FitInstructions>> fitTasks = _strategy.ConfigureFit(round, parameters, fitManager);
        var fitFailures = new List<ClientFailure>();
        int fitResults = 0;
        MetricRecord fitMetrics = MetricRecord.Empty;
        ModelState next = parameters;
        if (fitTasks.Count == 0)
        {
            ControllerLog.FitSkipped(_logger, round);
        }
        else
        {
            ControllerLog.FitConfigured(_logger, round, fitTasks.Count);
            IFitAggregation aggregation = _strategy.BeginAggregateFit(round, parameters);
            using var guard = new ReadOnlyGuard(fitTasks.Select(t => t.Instructions.Parameters));
            await OrderedDispatcher.RunAsync(
                fitTasks,
                _channel.FitAsync,
                (index, client, outcome) =>
                {
                    ClientFailure? failure = outcome.Failure ?? FoldFit(aggregation, client, outcome.Result!);
                    if (failure is null)
                    {
                        fitResults++;
                        ControllerLog.ClientFinished(_logger, round, client, "fit", outcome.Result!.ExampleCount, outcome.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        fitFailures.Add(failure);
                        ControllerLog.ClientFailed(_logger, round, client, "fit", failure.Reason, failure.Message);
                    }

                    Report(round, RoundPhase.Fit, index + 1, fitTasks.Count, fitFailures.Count);
                },
                _options.MaxParallelClients,
                _options.RoundTimeout,
                _options.TimeProvider,
                cancellationToken).ConfigureAwait(false);
            guard.Verify(round, "fit");

            FitAggregate aggregate = aggregation.Complete(fitFailures);
            fitMetrics = aggregate.Metrics;
            if (aggregate.Parameters is null)
            {
                ControllerLog.FitNotAggregated(_logger, round, fitResults, fitFailures.Count);
            }
            else
            {
                next = aggregate.Parameters;
            }
        }

        // Centralized evaluation of the new global model.
        Report(round, RoundPhase.CentralizedEvaluate, 0, 0, 0);
        CentralizedEvaluation? centralized = await _strategy.EvaluateAsync(round, next, cancellationToken).ConfigureAwait(false);
        if (centralized is not null)
        {
            ControllerLog.CentralizedEvaluated(_logger, round, centralized.Loss, centralized.Metrics);
        }

        // Distributed evaluation.
        var evaluateManager = new SeededClientManager(_channel.Clients, _options.Seed, round, RoundPhase.Evaluate);
        IReadOnlyList<ClientInstructions<EvaluateInstructions>> evaluateTasks = _strategy.ConfigureEvaluate(round, next, evaluateManager);
        var evaluateFailures = new List<ClientFailure>();
        int evaluateResults = 0;
        EvaluateAggregate? evaluated = null;
        if (evaluateTasks.Count > 0)
        {
            IEvaluateAggregation aggregation = _strategy.BeginAggregateEvaluate(round);
            using var guard = new ReadOnlyGuard(evaluateTasks.Select(t => t.Instructions.Parameters));
            await OrderedDispatcher.RunAsync(
                evaluateTasks,
                _channel.EvaluateAsync,
                (index, client, outcome) =>
                {
                    ClientFailure? failure = outcome.Failure ?? CheckEvaluate(client, outcome.Result!);
                    if (failure is null)
                    {
                        aggregation.Add(client, outcome.Result!);
                        evaluateResults++;
                        ControllerLog.ClientFinished(_logger, round, client, "evaluate", outcome.Result!.ExampleCount, outcome.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        evaluateFailures.Add(failure);
                        ControllerLog.ClientFailed(_logger, round, client, "evaluate", failure.Reason, failure.Message);
                    }

                    Report(round, RoundPhase.Evaluate, index + 1, evaluateTasks.Count, evaluateFailures.Count);
                },
                _options.MaxParallelClients,
                _options.RoundTimeout,
                _options.TimeProvider,
                cancellationToken).ConfigureAwait(false);
            guard.Verify(round, "evaluate");

            evaluated = aggregation.Complete(evaluateFailures);
        }

        var record = new RoundRecord
        {
            Round = round,
            LossDistributed = evaluated?.Loss,
            MetricsDistributed = evaluated?.Metrics ?? MetricRecord.Empty,
            MetricsDistributedFit = fitMetrics,
            LossCentralized = centralized?.Loss,
            MetricsCentralized = centralized?.Metrics ?? MetricRecord.Empty,
            FitResults = fitResults,
            FitFailures = fitFailures,
            EvaluateResults = evaluateResults,
            EvaluateFailures = evaluateFailures,
            ParametersUpdated = !ReferenceEquals(next, parameters),
            Seconds = _options.TimeProvider.GetElapsedTime(start).TotalSeconds,
        };
        ControllerLog.RoundCompleted(_logger, round, record.Seconds, fitResults, fitFailures.Count, evaluateResults, evaluateFailures.Count);
        _options.Progress?.Report(new RoundProgress(round, _options.Rounds, RoundPhase.Completed, fitTasks.Count, fitTasks.Count, fitFailures.Count, record));
        return (record, next);
    }

    private static ClientFailure? FoldFit(IFitAggregation aggregation, string client, FitResult result)
    {
        if (result?.Parameters is null)
        {
            return new ClientFailure(client, FailureReason.ClientError, "The client returned no parameters from Fit.");
        }

        try
        {
            aggregation.Add(client, result);
            return null;
        }
        catch (UpdateRejectedException rejected)
        {
            FailureReason reason = rejected.Reason switch
            {
                UpdateRejectionReason.LayoutMismatch => FailureReason.LayoutMismatch,
                UpdateRejectionReason.NonFiniteValue => FailureReason.NonFiniteValue,
                UpdateRejectionReason.InvalidWeight => FailureReason.InvalidExampleCount,
                _ => FailureReason.Rejected,
            };
            return new ClientFailure(client, reason, rejected.Message) { Exception = rejected };
        }
    }

    private static ClientFailure? CheckEvaluate(string client, EvaluateResult result)
    {
        if (result is null)
        {
            return new ClientFailure(client, FailureReason.ClientError, "The client returned no result from Evaluate.");
        }

        if (!double.IsFinite(result.Loss))
        {
            return new ClientFailure(client, FailureReason.NonFiniteValue, $"The client's evaluation loss is {result.Loss}; a loss must be finite.");
        }

        if (result.ExampleCount <= 0)
        {
            return new ClientFailure(client, FailureReason.InvalidExampleCount, $"The client evaluated on {result.ExampleCount} examples; the example count must be greater than zero.");
        }

        return null;
    }

    private void Report(int round, RoundPhase phase, int finished, int total, int failures) =>
        _options.Progress?.Report(new RoundProgress(round, _options.Rounds, phase, finished, total, failures));
}
