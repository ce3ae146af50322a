using System.Globalization;
using Confer.Core;
using Confer.Core.Metrics;
using Confer.Federation.Controllers;
using Confer.Federation.Messages;
using Confer.Federation.Plans.Internal;
using Confer.Federation.Strategies;
using Confer.Plan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation.Plans;

/// <summary>
/// A plan's rounds as a strategy on the one round controller (OpenFL's aggregator): the plan's
/// assigner and task groups choose who runs which tasks each round, every collaborator gets one
/// task message per task of its group (the same global model for all), and the replies are
/// aggregated by the strategy the plan names (<c>strategy.template</c>, from the
/// <see cref="StrategyRegistry"/>): replies with a model go to its aggregation, and every task's
/// metrics are averaged over the collaborators, weighted by examples. The strategy's settings
/// for the collaborators (FedProx's <c>proximal_mu</c>) travel in each task's config.
/// </summary>
public sealed class PlanStrategy : IStrategy, IStatefulStrategy
{
    private readonly FederationPlan _plan;
    private readonly IStrategy _aggregation;
    private readonly ILogger _logger;

    /// <summary>Creates the strategy of <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="aggregation">The strategy that aggregates the models (from <see cref="StrategyRegistry.Create(PlanComponent)"/>).</param>
    /// <param name="loggerFactory">Where the per-task metrics are logged; null for nowhere.</param>
    public PlanStrategy(FederationPlan plan, IStrategy aggregation, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(aggregation);
        _plan = plan;
        _aggregation = aggregation;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Confer.Aggregator");
    }

    /// <summary>The plan's strategy name, e.g. <c>fedavg</c>.</summary>
    public string Name => _plan.Strategy.Name;

    /// <inheritdoc/>
    public int RequiredClients => 1;

    /// <summary>The strategy that aggregates the models.</summary>
    public IStrategy Aggregation => _aggregation;

    /// <summary>
    /// How a plan judges the best model, as OpenFL does: by the first metric of
    /// <c>aggregated_model_validation</c> (or of the first task applied to the global model), run on
    /// the round's global model before training; higher is better unless the metric is a loss.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The criterion, or null when no task validates the global model.</returns>
    public static BestModelCriterion? BestModelCriterion(FederationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TaskPlan? task = plan.Tasks.TryGetValue("aggregated_model_validation", out TaskPlan? t) ? t : plan.Tasks.Values.FirstOrDefault(x => x.Apply == TaskApply.Global);
        if (task is null || task.Metrics.IsDefaultOrEmpty)
        {
            return null;
        }

        string key = MetricKey(task.Name, task.Metrics[0]);
        return new BestModelCriterion(
            key,
            record => record.MetricsDistributedFit.TryGetValue(key, out double score) ? score : null,
            HigherIsBetter: !task.Metrics[0].Contains("loss", StringComparison.OrdinalIgnoreCase),
            JudgesRoundInput: true);
    }

    /// <summary>The key of a task's aggregated metric in the round's training metrics: <c>task/metric</c>.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="metric">The metric's name.</param>
    /// <returns>The key.</returns>
    public static string MetricKey(string task, string metric) => $"{task}/{metric}";

    /// <summary>The plan's initial model (<c>aggregator.settings.init_state_path</c>, written by <c>confer plan initialize</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(_plan.WorkspaceDirectory, _plan.Aggregator.InitStatePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The initial model {path} does not exist. Run `confer plan initialize` in the aggregator's workspace first.", path);
        }

        return Task.FromResult<ModelState?>(ModelStateSerializer.Load(path));
    }

    /// <inheritdoc/>
    public IReadOnlyList<Message> ConfigureTrain(int round, ModelState parameters, IClientManager clients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        SortedDictionary<string, System.Collections.Immutable.ImmutableArray<TaskPlan>> assignments = TaskAssigner.Assign(_plan, round);

        // The aggregation strategy's own settings for each collaborator (FedProx's proximal_mu).
        var configs = _aggregation.ConfigureTrain(round, parameters, new AssignedClients([.. assignments.Keys]))
            .ToDictionary(m => m.NodeId, m => m.Config, StringComparer.Ordinal);
        ArrayRecord arrays = ArrayRecord.From(parameters);
        var messages = new List<Message>();
        foreach ((string collaborator, System.Collections.Immutable.ImmutableArray<TaskPlan> tasks) in assignments)
        {
            ConfigRecord config = configs.GetValueOrDefault(collaborator, ConfigRecord.Empty);
            foreach (TaskPlan task in tasks)
            {
                messages.Add(new Message { NodeId = collaborator, Kind = task.Name, Round = round, Config = config, Arrays = arrays });
            }
        }

        return messages;
    }

    /// <inheritdoc/>
    public ITrainAggregation BeginAggregateTrain(int round, ModelState parameters) =>
        new PlanAggregation(this, round, _aggregation.BeginAggregateTrain(round, parameters));

    /// <summary>None: a plan's tasks all run in the training phase.</summary>
    /// <param name="round">The round.</param>
    /// <param name="parameters">The new global model.</param>
    /// <param name="clients">The nodes.</param>
    /// <returns>No messages.</returns>
    public IReadOnlyList<Message> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients) => [];

    /// <inheritdoc/>
    public IEvaluateAggregation BeginAggregateEvaluate(int round) => _aggregation.BeginAggregateEvaluate(round);

    /// <summary>None: a plan evaluates on the collaborators, in its validation tasks.</summary>
    /// <param name="round">The round.</param>
    /// <param name="parameters">The model.</param>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Null.</returns>
    public Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default) =>
        Task.FromResult<CentralizedEvaluation?>(null);

    /// <inheritdoc/>
    public (ModelState State, int Steps) ExportState() =>
        _aggregation is IStatefulStrategy stateful ? stateful.ExportState() : (ModelState.Empty, 0);

    /// <inheritdoc/>
    public void ImportState(ModelState state, int steps)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_aggregation is IStatefulStrategy stateful)
        {
            stateful.ImportState(state, steps);
        }
        else if (state.Count > 0)
        {
            throw new InvalidDataException($"The saved strategy state holds tensors, but the strategy '{Name}' keeps none.");
        }
    }

    /// <summary>The collaborators the assigner chose, all of them offered to the aggregation strategy.</summary>
    private sealed class AssignedClients(IReadOnlyList<string> collaborators) : IClientManager
    {
        public int AvailableCount => collaborators.Count;

        public IReadOnlyList<string> Sample(int count, int minCount) => [.. collaborators.Take(count)];
    }

    /// <summary>Folds a round's replies: models into the aggregation strategy, every task's metrics per task.</summary>
    private sealed class PlanAggregation(PlanStrategy owner, int round, ITrainAggregation models) : ITrainAggregation
    {
        private readonly SortedDictionary<string, (MetricsAccumulator Metrics, int Count)> _tasks = new(StringComparer.Ordinal);
        private int _models;

        public void Add(Message reply)
        {
            ArgumentNullException.ThrowIfNull(reply);
            if (reply.Arrays is not null)
            {
                models.Add(reply);
                _models++;
            }

            (MetricsAccumulator metrics, int count) = _tasks.TryGetValue(reply.Kind, out var entry) ? entry : (new MetricsAccumulator(), 0);
            metrics.Add(reply.Metrics, reply.ExampleCount);
            _tasks[reply.Kind] = (metrics, count + 1);
        }

        public TrainAggregate Complete(IReadOnlyList<ClientFailure> failures, ModelState? reusable = null)
        {
            var metrics = new List<KeyValuePair<string, double>>();
            foreach ((string task, (MetricsAccumulator accumulator, int count)) in _tasks)
            {
                foreach ((string name, MetricSummary summary) in accumulator.Result().OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    Internal.PlanLog.TaskMetric(owner._logger, round, task, name, summary.Mean, summary.Count, summary.ExampleCount);
                    metrics.Add(new(MetricKey(task, name), summary.Mean));
                }
            }

            // The strategy's close policy (min_completion_rate_fit) counts the training tasks, those
            // that return a model: a failed validation task is not a missing update.
            ClientFailure[] trainingFailures = [.. failures.Where(f => owner._plan.Tasks.TryGetValue(f.TaskKind, out TaskPlan? task) && task.Apply is null)];
            TrainAggregate aggregate = _models > 0
                ? models.Complete(trainingFailures, reusable)
                : new TrainAggregate(null, MetricRecord.Empty) { Skipped = string.Create(CultureInfo.InvariantCulture, $"no task of round {round} returned a model") };
            return aggregate with { Metrics = new MetricRecord(metrics.Concat(aggregate.Metrics)) };
        }
    }
}
