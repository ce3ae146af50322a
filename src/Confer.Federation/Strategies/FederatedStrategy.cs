using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;
using Confer.Federation.Strategies.Internal;

namespace Confer.Federation.Strategies;

/// <summary>
/// What every built-in strategy shares, with Flower's FedAvg knobs and defaults: client sampling
/// by fractions and minimums, per-round configuration functions, centralized evaluation, metric
/// aggregation and failure handling. A derived strategy supplies only its maths through
/// <see cref="BeginParameterAggregation"/>, composed from Confer.Core's aggregators; strategies do
/// not derive from each other.
/// </summary>
public abstract partial class FederatedStrategy : IStrategy, IStatefulStrategy
{
    private double _fractionFit = 1.0;
    private double _fractionEvaluate = 1.0;
    private int _minFitClients = 2;
    private int _minEvaluateClients = 2;
    private int _minAvailableClients = 2;
    private bool _acceptFailures = true;
    private double _minCompletionRateFit;
    private double _minCompletionRateEvaluate;
    private ModelState? _initialParameters;
    private Func<int, ConfigRecord>? _onFitConfig;
    private Func<int, ConfigRecord>? _onEvaluateConfig;
    private EvaluateFunction? _evaluate;
    private MetricsAggregationFunction? _fitMetricsAggregation;
    private MetricsAggregationFunction? _evaluateMetricsAggregation;
    private MeanBuffers? _meanBuffers;
    private IServerOptimizer? _optimizer;

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

    /// <summary>
    /// The least share of a round's training tasks that must give a result, in [0, 1] (Flower's
    /// <c>FaultTolerantFedAvg.min_completion_rate_fit</c>): below it the round keeps the current
    /// global model instead of aggregating what came, and says why. Default 0: any result counts.
    /// </summary>
    public double MinCompletionRateFit
    {
        get => _minCompletionRateFit;
        init => _minCompletionRateFit = CheckFraction(value, nameof(MinCompletionRateFit));
    }

    /// <summary>The least share of a round's evaluation tasks that must give a result, in [0, 1] (Flower's <c>min_completion_rate_evaluate</c>); below it the round has no distributed loss. Default 0.</summary>
    public double MinCompletionRateEvaluate
    {
        get => _minCompletionRateEvaluate;
        init => _minCompletionRateEvaluate = CheckFraction(value, nameof(MinCompletionRateEvaluate));
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

    /// <summary>The server optimizer, with its state, once the first round was aggregated; <see langword="null"/> for a strategy without one (FedAvg, the robust ones).</summary>
    public IServerOptimizer? Optimizer => _optimizer;

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
    public IReadOnlyList<Message> ConfigureTrain(int round, ModelState parameters, IClientManager clients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(clients);
        ConfigRecord config = AddFitConfig(round, OnFitConfig?.Invoke(round) ?? ConfigRecord.Empty);
        IReadOnlyList<string> sample = clients.Sample(FitSampleSize(clients.AvailableCount), MinAvailableClients);
        return CreateMessages(sample, MessageKinds.Train, round, parameters, config);
    }

    /// <inheritdoc/>
    public ITrainAggregation BeginAggregateTrain(int round, ModelState parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new TrainAggregation(this, BeginParameterAggregation(round, parameters));
    }

    /// <inheritdoc/>
    public IReadOnlyList<Message> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(clients);
        if (FractionEvaluate == 0)
        {
            return [];
        }

        IReadOnlyList<string> sample = clients.Sample(EvaluateSampleSize(clients.AvailableCount), MinAvailableClients);
        return CreateMessages(sample, MessageKinds.Evaluate, round, parameters, OnEvaluateConfig?.Invoke(round) ?? ConfigRecord.Empty);
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

    /// <inheritdoc/>
    public (ModelState State, int Steps) ExportState() =>
        _optimizer is null ? (ModelState.Empty, 0) : (_optimizer.ExportState(), _optimizer.StepCount);

    /// <inheritdoc/>
    public void ImportState(ModelState state, int steps)
    {
        ArgumentNullException.ThrowIfNull(state);
        IServerOptimizer? optimizer = CreateServerOptimizer();
        if (optimizer is null)
        {
            if (state.Count > 0)
            {
                throw new InvalidDataException($"The saved strategy state holds server optimizer tensors, but {Name} has no server optimizer.");
            }

            return;
        }

        try
        {
            optimizer.ImportState(state, steps);
        }
        catch (ModelStateException ex)
        {
            throw new InvalidDataException($"The saved server optimizer state does not fit {Name}: {ex.Message}", ex);
        }

        _optimizer = optimizer;
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
        _minCompletionRateFit = settings.MinCompletionRateFit is { } fitRate ? CheckFraction(fitRate, nameof(MinCompletionRateFit)) : _minCompletionRateFit;
        _minCompletionRateEvaluate = settings.MinCompletionRateEvaluate is { } evaluateRate ? CheckFraction(evaluateRate, nameof(MinCompletionRateEvaluate)) : _minCompletionRateEvaluate;
        _initialParameters = settings.InitialParameters ?? _initialParameters;
        _onFitConfig = settings.OnFitConfig ?? _onFitConfig;
        _onEvaluateConfig = settings.OnEvaluateConfig ?? _onEvaluateConfig;
        _evaluate = settings.Evaluate ?? _evaluate;
        _fitMetricsAggregation = settings.FitMetricsAggregation ?? _fitMetricsAggregation;
        _evaluateMetricsAggregation = settings.EvaluateMetricsAggregation ?? _evaluateMetricsAggregation;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}(fraction_fit={FractionFit}, fraction_evaluate={FractionEvaluate}, min_fit_clients={MinFitClients}, min_evaluate_clients={MinEvaluateClients}, min_available_clients={MinAvailableClients}, accept_failures={AcceptFailures}, min_completion_rate_fit={MinCompletionRateFit}, min_completion_rate_evaluate={MinCompletionRateEvaluate})");

    /// <summary>Starts the maths of one round's fit aggregation.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <param name="parameters">The global model the clients trained from.</param>
    /// <returns>The parameter aggregation.</returns>
    protected abstract IParameterAggregation BeginParameterAggregation(int round, ModelState parameters);

    /// <summary>The server optimizer of a FedOpt-style strategy (FedAvgM, FedAdam, FedYogi, FedAdagrad), made once and kept across rounds; the default, <see langword="null"/>, is none.</summary>
    /// <returns>A new optimizer, or <see langword="null"/>.</returns>
    protected virtual IServerOptimizer? CreateServerOptimizer() => null;

    /// <summary>The weighted mean of the round's arrays followed by one step of the server optimizer (see <see cref="CreateServerOptimizer"/>).</summary>
    /// <param name="round">The round, from 1.</param>
    /// <param name="parameters">The global model the nodes trained from.</param>
    /// <returns>The parameter aggregation.</returns>
    protected IParameterAggregation BeginServerOptimizerAggregation(int round, ModelState parameters)
    {
        IServerOptimizer optimizer = _optimizer ??= CreateServerOptimizer()
            ?? throw new InvalidOperationException($"{Name} has no server optimizer; override CreateServerOptimizer.");
        return new ServerOptimizerAggregation(parameters, RentMeanBuffers(parameters, []), optimizer, round);
    }

    /// <summary>The example-weighted mean of the round's arrays, in buffers this strategy keeps from round to round.</summary>
    /// <param name="parameters">The global model the nodes trained from.</param>
    /// <returns>The parameter aggregation.</returns>
    protected IParameterAggregation BeginWeightedMeanAggregation(ModelState parameters) => new WeightedMeanAggregation(RentMeanBuffers(parameters, []));

    /// <summary>
    /// The example-weighted mean of the round's arrays, except <paramref name="summedTensors"/>,
    /// which are summed without weights (FedCurv's u, v, w), in buffers this strategy keeps from
    /// round to round.
    /// </summary>
    /// <param name="parameters">The global model the nodes trained from.</param>
    /// <param name="summedTensors">Names of tensors of <paramref name="parameters"/> to sum, in its order.</param>
    /// <returns>The parameter aggregation.</returns>
    protected IParameterAggregation BeginWeightedMeanAggregation(ModelState parameters, IReadOnlyList<string> summedTensors) =>
        new WeightedMeanAggregation(RentMeanBuffers(parameters, summedTensors));

    /// <summary>Adds the strategy's own entries to a round's fit configuration (FedProx adds <c>proximal_mu</c>). The default adds nothing.</summary>
    /// <param name="round">The round.</param>
    /// <param name="config">The configuration from <see cref="OnFitConfig"/>.</param>
    /// <returns>The configuration sent to clients.</returns>
    protected virtual ConfigRecord AddFitConfig(int round, ConfigRecord config) => config;

    /// <summary>
    /// The weighted-mean buffers for <paramref name="parameters"/>'s layout, kept by this strategy
    /// from round to round so that aggregating allocates nothing model-sized. One round's
    /// aggregation uses them at a time.
    /// </summary>
    private MeanBuffers RentMeanBuffers(ModelState parameters, IReadOnlyList<string> summedTensors) => _meanBuffers = MeanBuffers.For(parameters, summedTensors, _meanBuffers);

    private static Message[] CreateMessages(IReadOnlyList<string> nodes, string kind, int round, ModelState parameters, ConfigRecord config)
    {
        // One record for every node: the grid sends (or shares) the one model.
        ArrayRecord arrays = ArrayRecord.From(parameters);
        var messages = new Message[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            messages[i] = new Message { NodeId = nodes[i], Kind = kind, Round = round, Config = config, Arrays = arrays };
        }

        return messages;
    }

    private static double CheckFraction(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is a fraction of the available clients and must be between 0 and 1.");

    private static int CheckCount(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is a number of clients and must not be negative.");
}
