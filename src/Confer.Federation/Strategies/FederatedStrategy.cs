using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies;

/// <summary>
/// What every built-in strategy shares, with Flower's FedAvg knobs and defaults: client sampling
/// by fractions and minimums, per-round configuration functions, centralized evaluation, metric
/// aggregation and failure handling. A derived strategy supplies only its maths through
/// <see cref="BeginParameterAggregation"/>, composed from Confer.Core's aggregators; strategies do
/// not derive from each other.
/// </summary>
public abstract class FederatedStrategy : IStrategy
{
    private double _fractionFit = 1.0;
    private double _fractionEvaluate = 1.0;
    private int _minFitClients = 2;
    private int _minEvaluateClients = 2;
    private int _minAvailableClients = 2;
    private bool _acceptFailures = true;
    private ModelState? _initialParameters;
    private Func<int, ConfigRecord>? _onFitConfig;
    private Func<int, ConfigRecord>? _onEvaluateConfig;
    private EvaluateFunction? _evaluate;
    private MetricsAggregationFunction? _fitMetricsAggregation;
    private MetricsAggregationFunction? _evaluateMetricsAggregation;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>The fraction of available clients that train each round, in [0, 1]. Default 1.0.</summary>
    public double FractionFit
    {
        get => _fractionFit;
        init => _fractionFit = CheckFraction(value, nameof(FractionFit));
    }

    /// <summary>The fraction of available clients that evaluate each round, in [0, 1]; 0 turns distributed evaluation off. Default 1.0.</summary>
    public double FractionEvaluate
    {
        get => _fractionEvaluate;
        init => _fractionEvaluate = CheckFraction(value, nameof(FractionEvaluate));
    }

    /// <summary>The fewest clients that train in a round, whatever <see cref="FractionFit"/> gives. Default 2.</summary>
    public int MinFitClients
    {
        get => _minFitClients;
        init => _minFitClients = CheckCount(value, nameof(MinFitClients));
    }

    /// <summary>The fewest clients that evaluate in a round, whatever <see cref="FractionEvaluate"/> gives. Default 2.</summary>
    public int MinEvaluateClients
    {
        get => _minEvaluateClients;
        init => _minEvaluateClients = CheckCount(value, nameof(MinEvaluateClients));
    }

    /// <summary>The fewest clients that must be available for a round to run. Default 2.</summary>
    public int MinAvailableClients
    {
        get => _minAvailableClients;
        init => _minAvailableClients = CheckCount(value, nameof(MinAvailableClients));
    }

    /// <summary>The largest of <see cref="MinAvailableClients"/>, <see cref="MinFitClients"/> and (when distributed evaluation is on) <see cref="MinEvaluateClients"/>.</summary>
    public int RequiredClients => Math.Max(MinAvailableClients, Math.Max(MinFitClients, FractionEvaluate > 0 ? MinEvaluateClients : 0));

    /// <summary>
    /// Whether a round is aggregated when some clients failed (default <see langword="true"/>).
    /// When <see langword="false"/>, one failure keeps the current global model for that round.
    /// </summary>
    public bool AcceptFailures
    {
        get => _acceptFailures;
        init => _acceptFailures = value;
    }

    /// <summary>The initial global model; <see langword="null"/> (default) takes it from one client.</summary>
    public ModelState? InitialParameters
    {
        get => _initialParameters;
        init => _initialParameters = value;
    }

    /// <summary>The fit configuration of each round (Flower's <c>on_fit_config_fn</c>), given the round; default none.</summary>
    public Func<int, ConfigRecord>? OnFitConfig
    {
        get => _onFitConfig;
        init => _onFitConfig = value;
    }

    /// <summary>The evaluate configuration of each round (Flower's <c>on_evaluate_config_fn</c>), given the round; default none.</summary>
    public Func<int, ConfigRecord>? OnEvaluateConfig
    {
        get => _onEvaluateConfig;
        init => _onEvaluateConfig = value;
    }

    /// <summary>Centralized evaluation on the aggregator's data after each round and on the initial model; default none.</summary>
    public EvaluateFunction? Evaluate
    {
        get => _evaluate;
        init => _evaluate = value;
    }

    /// <summary>Aggregates the clients' fit metrics; default none (the round's fit metrics stay empty).</summary>
    public MetricsAggregationFunction? FitMetricsAggregation
    {
        get => _fitMetricsAggregation;
        init => _fitMetricsAggregation = value;
    }

    /// <summary>Aggregates the clients' evaluate metrics; default none (the round's evaluate metrics stay empty).</summary>
    public MetricsAggregationFunction? EvaluateMetricsAggregation
    {
        get => _evaluateMetricsAggregation;
        init => _evaluateMetricsAggregation = value;
    }

    /// <summary>How many clients train out of <paramref name="availableCount"/>: ⌊available × <see cref="FractionFit"/>⌋, at least <see cref="MinFitClients"/>.</summary>
    /// <param name="availableCount">The number of available clients.</param>
    /// <returns>The sample size.</returns>
    public int FitSampleSize(int availableCount) => Math.Max((int)(availableCount * FractionFit), MinFitClients);

    /// <summary>How many clients evaluate out of <paramref name="availableCount"/>: ⌊available × <see cref="FractionEvaluate"/>⌋, at least <see cref="MinEvaluateClients"/>.</summary>
    /// <param name="availableCount">The number of available clients.</param>
    /// <returns>The sample size.</returns>
    public int EvaluateSampleSize(int availableCount) => Math.Max((int)(availableCount * FractionEvaluate), MinEvaluateClients);

    /// <inheritdoc/>
    public Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default)
    {
        ModelState? initial = _initialParameters;

        // The strategy no longer needs its copy once the controller holds the global model.
        _initialParameters = null;
        return Task.FromResult(initial);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ClientInstructions<FitInstructions>> ConfigureFit(int round, ModelState parameters, IClientManager clients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(clients);
        ConfigRecord config = AddFitConfig(round, OnFitConfig?.Invoke(round) ?? ConfigRecord.Empty);
        var instructions = new FitInstructions(parameters, config);
        IReadOnlyList<string> sample = clients.Sample(FitSampleSize(clients.AvailableCount), MinAvailableClients);
        var assignments = new ClientInstructions<FitInstructions>[sample.Count];
        for (int i = 0; i < sample.Count; i++)
        {
            assignments[i] = new ClientInstructions<FitInstructions>(sample[i], instructions);
        }

        return assignments;
    }

    /// <inheritdoc/>
    public IFitAggregation BeginAggregateFit(int round, ModelState parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new FitAggregation(this, BeginParameterAggregation(round, parameters));
    }

    /// <inheritdoc/>
    public IReadOnlyList<ClientInstructions<EvaluateInstructions>> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(clients);
        if (FractionEvaluate == 0)
        {
            return [];
        }

        var instructions = new EvaluateInstructions(parameters, OnEvaluateConfig?.Invoke(round) ?? ConfigRecord.Empty);
        IReadOnlyList<string> sample = clients.Sample(EvaluateSampleSize(clients.AvailableCount), MinAvailableClients);
        var assignments = new ClientInstructions<EvaluateInstructions>[sample.Count];
        for (int i = 0; i < sample.Count; i++)
        {
            assignments[i] = new ClientInstructions<EvaluateInstructions>(sample[i], instructions);
        }

        return assignments;
    }

    /// <inheritdoc/>
    public IEvaluateAggregation BeginAggregateEvaluate(int round) => new EvaluateAggregation(this);

    /// <inheritdoc/>
    public Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default)
    {
        if (Evaluate is null)
        {
            return Task.FromResult<CentralizedEvaluation?>(null);
        }

        return Evaluate(round, parameters, OnEvaluateConfig?.Invoke(round) ?? ConfigRecord.Empty, cancellationToken);
    }

    /// <summary>
    /// Applies the common knobs of <paramref name="settings"/> (those not null) to a strategy
    /// that is not in use yet; used by <see cref="StrategyRegistry"/>.
    /// </summary>
    /// <param name="settings">The knobs.</param>
    internal void Apply(StrategySettings settings)
    {
        _fractionFit = settings.FractionFit is { } fractionFit ? CheckFraction(fractionFit, nameof(FractionFit)) : _fractionFit;
        _fractionEvaluate = settings.FractionEvaluate is { } fractionEvaluate ? CheckFraction(fractionEvaluate, nameof(FractionEvaluate)) : _fractionEvaluate;
        _minFitClients = settings.MinFitClients is { } minFit ? CheckCount(minFit, nameof(MinFitClients)) : _minFitClients;
        _minEvaluateClients = settings.MinEvaluateClients is { } minEvaluate ? CheckCount(minEvaluate, nameof(MinEvaluateClients)) : _minEvaluateClients;
        _minAvailableClients = settings.MinAvailableClients is { } minAvailable ? CheckCount(minAvailable, nameof(MinAvailableClients)) : _minAvailableClients;
        _acceptFailures = settings.AcceptFailures ?? _acceptFailures;
        _initialParameters = settings.InitialParameters ?? _initialParameters;
        _onFitConfig = settings.OnFitConfig ?? _onFitConfig;
        _onEvaluateConfig = settings.OnEvaluateConfig ?? _onEvaluateConfig;
        _evaluate = settings.Evaluate ?? _evaluate;
        _fitMetricsAggregation = settings.FitMetricsAggregation ?? _fitMetricsAggregation;
        _evaluateMetricsAggregation = settings.EvaluateMetricsAggregation ?? _evaluateMetricsAggregation;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}(fraction_fit={FractionFit}, fraction_evaluate={FractionEvaluate}, min_fit_clients={MinFitClients}, min_evaluate_clients={MinEvaluateClients}, min_available_clients={MinAvailableClients}, accept_failures={AcceptFailures})";

    /// <summary>Starts the maths of one round's fit aggregation.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <param name="parameters">The global model the clients trained from.</param>
    /// <returns>The parameter aggregation.</returns>
    protected abstract IParameterAggregation BeginParameterAggregation(int round, ModelState parameters);

    /// <summary>Adds the strategy's own entries to a round's fit configuration (FedProx adds <c>proximal_mu</c>). The default adds nothing.</summary>
    /// <param name="round">The round.</param>
    /// <param name="config">The configuration from <see cref="OnFitConfig"/>.</param>
    /// <returns>The configuration sent to clients.</returns>
    protected virtual ConfigRecord AddFitConfig(int round, ConfigRecord config) => config;

    private static double CheckFraction(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is a fraction of the available clients and must be between 0 and 1.");

    private static int CheckCount(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is a number of clients and must not be negative.");

    private sealed class FitAggregation(FederatedStrategy strategy, IParameterAggregation parameters) : IFitAggregation
    {
        private readonly List<(long ExampleCount, MetricRecord Metrics)> _metrics = [];
        private int _count;

        public void Add(string clientId, FitResult result)
        {
            ArgumentNullException.ThrowIfNull(result);
            parameters.Add(clientId, result);
            _count++;
            if (strategy.FitMetricsAggregation is not null)
            {
                _metrics.Add((result.ExampleCount, result.Metrics));
            }
        }

        public FitAggregate Complete(IReadOnlyList<ClientFailure> failures)
        {
            ArgumentNullException.ThrowIfNull(failures);
            if (_count == 0 || (failures.Count > 0 && !strategy.AcceptFailures))
            {
                return new FitAggregate(null, MetricRecord.Empty);
            }

            ModelState next = parameters.Complete();
            MetricRecord metrics = strategy.FitMetricsAggregation?.Invoke(_metrics) ?? MetricRecord.Empty;
            return new FitAggregate(next, metrics);
        }
    }

    private sealed class EvaluateAggregation(FederatedStrategy strategy) : IEvaluateAggregation
    {
        private readonly List<(long ExampleCount, MetricRecord Metrics)> _metrics = [];
        private double _weightedLoss;
        private double _examples;

        public void Add(string clientId, EvaluateResult result)
        {
            ArgumentNullException.ThrowIfNull(result);
            _weightedLoss += result.ExampleCount * result.Loss;
            _examples += result.ExampleCount;
            _metrics.Add((result.ExampleCount, result.Metrics));
        }

        public EvaluateAggregate Complete(IReadOnlyList<ClientFailure> failures)
        {
            ArgumentNullException.ThrowIfNull(failures);
            if (_metrics.Count == 0 || (failures.Count > 0 && !strategy.AcceptFailures))
            {
                return new EvaluateAggregate(null, MetricRecord.Empty);
            }

            MetricRecord metrics = strategy.EvaluateMetricsAggregation?.Invoke(_metrics) ?? MetricRecord.Empty;
            return new EvaluateAggregate(_weightedLoss / _examples, metrics);
        }
    }
}
