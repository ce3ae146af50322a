using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Data;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Torch;
using TorchEvaluateResult = Confer.Torch.EvaluateResult;

namespace Confer.Federation.Torch;

/// <summary>
/// A client that trains one of Confer.Torch's image classifiers on its partition of an
/// <see cref="ImageDataset"/> (Flower's PyTorch <c>NumPyClient</c> from the tutorials). Each fit
/// builds the network, loads the global parameters, trains with SGD and returns the new
/// parameters with the partition's size and <c>train_loss</c> / <c>train_accuracy</c>. The
/// optimizer starts fresh each round, as clients created on demand do in Flower's simulation,
/// unless <see cref="TorchClientOptions.OptimizerTreatment"/> says otherwise.
/// </summary>
/// <remarks>
/// <para>
/// Fit configuration keys (each overrides <see cref="TorchClientOptions"/>): <c>local_epochs</c>,
/// <c>batch_size</c>, <c>lr</c>, <c>lr_decay</c> (the learning rate of round r is
/// <c>lr × lr_decay^(r − 1)</c>), <c>momentum</c>, <c>proximal_mu</c> (FedProx), <c>importance</c>
/// (FedCurv) and <c>server_round</c> (varies the shuffle order between rounds).
/// </para>
/// <para>
/// <b>FedCurv.</b> When the global model carries FedCurv's u, v, w tensors
/// (<see cref="FedCurvTensors"/>), the client trains with the penalty of weight <c>importance</c>
/// against the global sums minus its own last u, v, w (<see cref="FedCurvState"/>), then computes
/// the Fisher diagonal on its training examples and returns its new u, v, w in their places. A
/// fit told the importance with a global model that has none of these tensors is refused: it
/// could not send them back, and training without the penalty would pass for FedCurv.
/// </para>
/// </remarks>
public sealed class TorchClient : Client
{
    /// <summary>The configuration key of the number of local epochs.</summary>
    public const string LocalEpochsKey = "local_epochs";

    /// <summary>The configuration key of the batch size.</summary>
    public const string BatchSizeKey = "batch_size";

    /// <summary>The configuration key of the SGD learning rate.</summary>
    public const string LearningRateKey = "lr";

    /// <summary>
    /// The configuration key of the per-round learning-rate decay: round r (from 1) trains with
    /// <c>lr × lr_decay^(r − 1)</c>, so late rounds take small steps and the federation settles
    /// instead of ending on one round's noise. 1 (the default) keeps the rate constant.
    /// </summary>
    public const string LearningRateDecayKey = "lr_decay";

    /// <summary>The configuration key of the SGD momentum.</summary>
    public const string MomentumKey = "momentum";

    /// <summary>The configuration key of the round, as Flower's tutorials name it.</summary>
    public const string RoundKey = "server_round";

    /// <summary>The prefix of optimizer-state tensors in a model (<c>optimizer.</c> + parameter name, e.g. <c>optimizer.conv1.weight</c>): see <see cref="TorchClientOptions.OptimizerTreatment"/>.</summary>
    public const string OptimizerStatePrefix = "optimizer.";

    private readonly Func<ClassifierNetwork> _createNetwork;
    private readonly ImageDataset _train;
    private readonly IReadOnlyList<int> _trainIndices;
    private readonly ImageDataset? _test;
    private readonly IReadOnlyList<int>? _testIndices;
    private readonly TorchClientOptions _options;
    private readonly int _partitionId;

    /// <summary>Creates a client.</summary>
    /// <param name="createNetwork">Creates the (untrained) network; its weights are overwritten by the global parameters.</param>
    /// <param name="train">The training images (shared, not copied).</param>
    /// <param name="trainIndices">This client's training examples within <paramref name="train"/>.</param>
    /// <param name="options">Local training settings.</param>
    /// <param name="partitionId">This client's partition, which varies its shuffle order.</param>
    /// <param name="test">Images for distributed evaluation; <see langword="null"/> to refuse evaluation.</param>
    /// <param name="testIndices">This client's evaluation examples within <paramref name="test"/>; <see langword="null"/> for all.</param>
    public TorchClient(
        Func<ClassifierNetwork> createNetwork,
        ImageDataset train,
        IReadOnlyList<int> trainIndices,
        TorchClientOptions options,
        int partitionId = 0,
        ImageDataset? test = null,
        IReadOnlyList<int>? testIndices = null)
    {
        ArgumentNullException.ThrowIfNull(createNetwork);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainIndices);
        ArgumentNullException.ThrowIfNull(options);
        _createNetwork = createNetwork;
        _train = train;
        _trainIndices = trainIndices;
        _options = options;
        _partitionId = partitionId;
        _test = test;
        _testIndices = testIndices;
    }

    /// <summary>
    /// The optimizer state the next fit starts from under <see cref="OptimizerTreatment.ContinueLocal"/>
    /// (and <see cref="OptimizerTreatment.ContinueGlobal"/> without a global state): a copy of the
    /// momentum buffers after the last fit, named after the parameters; <see langword="null"/>
    /// before the first fit and always under <see cref="OptimizerTreatment.Reset"/>.
    /// </summary>
    public ModelState? OptimizerState { get; private set; }

    /// <summary>
    /// FedCurv's u, v, w this client sent after its last fit (<c>p_u</c>, <c>p_v</c>, <c>p_w</c> per
    /// trainable parameter), subtracted from the global sums in the next fit's penalty so that it
    /// counts only the other collaborators; <see langword="null"/> before the first fit with a
    /// FedCurv global model. Kept in memory only: a restarted client starts from zeros.
    /// </summary>
    public ModelState? FedCurvState { get; private set; }

    /// <inheritdoc/>
    public override ModelState GetParameters(ConfigRecord config)
    {
        using ClassifierNetwork network = _createNetwork();
        return network.GetModelState();
    }

    /// <inheritdoc/>
    public override FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(config);
        if (_trainIndices.Count == 0)
        {
            throw new InvalidOperationException($"Partition {_partitionId} holds no training examples; give every client data or leave it out of the federation.");
        }

        int epochs = checked((int)config.GetInt64(LocalEpochsKey, _options.LocalEpochs));
        int round = checked((int)config.GetInt64(RoundKey, 1));
        bool fedCurv = FedCurvTensors.Parameters(parameters).Count > 0;
        double importance = config.GetDouble(FedCurv.ImportanceKey, _options.FedCurvImportance);
        if (!fedCurv && (config.ContainsKey(FedCurv.ImportanceKey) || importance != 0))
        {
            throw new InvalidOperationException(
                $"The fit asks for FedCurv ({FedCurv.ImportanceKey} = {importance}), but the global model carries no FedCurv tensors (p_u, p_v, p_w for each trainable parameter p), so this client could neither apply the penalty nor send its Fisher information back. "
                + "Start the federation from a model that has them: confer plan initialize writes zeros for a plan whose strategy is fedcurv, and TorchClient.WithFedCurvTensors adds them in code.");
        }

        var trainOptions = new TrainOptions
        {
            BatchSize = checked((int)config.GetInt64(BatchSizeKey, _options.BatchSize)),
            Seed = unchecked((_options.Seed * 7919) + _partitionId),
            ProximalMu = config.GetDouble(FedProx.ProximalMuKey, _options.ProximalMu),
            FedCurvImportance = importance,
            FedCurvGlobal = fedCurv ? parameters : null,
            FedCurvLocal = FedCurvState,
        };

        if (_options.SeedDropoutPerFit)
        {
            TorchSharp.torch.manual_seed(unchecked(((long)trainOptions.Seed * 1_000_003L) + round));
        }

        (ModelState weights, ModelState? globalOptimizerState) = SplitOptimizerState(WithoutFedCurvTensors(parameters));
        using ClassifierNetwork network = _createNetwork();
        network.LoadModelState(weights, "the global model");
        using var optimizer = new SgdOptimizer(
            network,
            LearningRate(config, round),
            config.GetDouble(MomentumKey, _options.Momentum));
        ModelState? startState = _options.OptimizerTreatment switch
        {
            OptimizerTreatment.ContinueGlobal => globalOptimizerState ?? OptimizerState,
            OptimizerTreatment.ContinueLocal => OptimizerState,
            _ => null,
        };
        if (startState is not null)
        {
            optimizer.SetState(startState);
        }
        TrainResult? last = null;
        double lossSum = 0;
        double accuracySum = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            // A distinct epoch number per round gives each round its own shuffle order.
            last = Trainer.TrainEpoch(network, optimizer, _train, ((round - 1) * epochs) + epoch, trainOptions, _trainIndices, cancellationToken: cancellationToken);
            lossSum += last.Loss;
            accuracySum += last.Accuracy;
        }

        var metrics = new MetricRecord([new("train_loss", lossSum / Math.Max(epochs, 1)), new("train_accuracy", accuracySum / Math.Max(epochs, 1))]);
        ModelState trained = network.GetModelState();
        ModelState optimizerState = optimizer.GetState();
        OptimizerState = _options.OptimizerTreatment == OptimizerTreatment.Reset ? null : optimizerState;
        ModelState? fisher = null;
        if (fedCurv)
        {
            fisher = Trainer.ComputeFedCurvTensors(network, _train, trainOptions, _trainIndices, cancellationToken);
            // A copy: the reply's tensors are the transport's from here on.
            FedCurvState = fisher.Clone();
        }

        if (globalOptimizerState is null && fisher is null)
        {
            return new FitResult(trained, _trainIndices.Count, metrics);
        }

        // The result keeps the global parameters' layout, optimizer and FedCurv tensors included, so they are aggregated with the weights.
        return new FitResult(new ModelState(parameters.Select(t =>
            t.Name.StartsWith(OptimizerStatePrefix, StringComparison.Ordinal) ? optimizerState[t.Name[OptimizerStatePrefix.Length..]].CloneAs(t.Name)
            : fisher is not null && fisher.TryGet(t.Name, out NamedTensor? curvature) ? curvature
            : trained[t.Name])), _trainIndices.Count, metrics);
    }

    /// <inheritdoc/>
    public override Clients.EvaluateResult Evaluate(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_test is null)
        {
            throw new NotSupportedException($"Client {_partitionId} has no evaluation data; give the client factory test data or set the strategy's FractionEvaluate to 0.");
        }

        using ClassifierNetwork network = _createNetwork();
        network.LoadModelState(SplitOptimizerState(WithoutFedCurvTensors(parameters)).Weights, "the global model");
        TorchEvaluateResult result = Trainer.Evaluate(network, _test, _options.EvaluateBatchSize, _testIndices, cancellationToken: cancellationToken);
        return new Clients.EvaluateResult(result.Loss, result.ExampleCount, MetricRecord.Of("accuracy", result.Accuracy));
    }

    /// <summary>
    /// Adds the optimizer state a fresh SGD optimizer over <paramref name="network"/> has (zero
    /// momentum buffers, named <see cref="OptimizerStatePrefix"/> + parameter name) to its
    /// parameters: an initial global model with which <see cref="OptimizerTreatment.ContinueGlobal"/>
    /// aggregates the optimizer state with the weights.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <returns>The network's parameters followed by the optimizer state.</returns>
    public static ModelState WithOptimizerState(ClassifierNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var optimizer = new SgdOptimizer(network, learningRate: 1);
        return new ModelState(network.GetModelState().Concat(optimizer.GetState().Select(t => t.CloneAs(OptimizerStatePrefix + t.Name))));
    }

    /// <summary>
    /// Adds zero FedCurv tensors (<c>p_u</c>, <c>p_v</c>, <c>p_w</c>, <see cref="FedCurvTensors"/>)
    /// for every trainable parameter of <paramref name="network"/> to <paramref name="state"/>: the
    /// initial global model of a FedCurv federation, whose first round's penalty is then zero.
    /// </summary>
    /// <param name="state">The initial model: <paramref name="network"/>'s state, optionally followed by optimizer tensors.</param>
    /// <param name="network">The network whose trainable parameters get the tensors.</param>
    /// <returns><paramref name="state"/> followed by the zero tensors, three per parameter in the network's order.</returns>
    public static ModelState WithFedCurvTensors(ModelState state, TorchSharp.torch.nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(network);
        return FedCurvTensors.WithZeros(state, network.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name));
    }

    /// <summary>The learning rate of <paramref name="round"/> (from 1): <c>lr × lr_decay^(round − 1)</c>.</summary>
    private double LearningRate(ConfigRecord config, int round)
    {
        double rate = config.GetDouble(LearningRateKey, _options.LearningRate);
        double decay = config.GetDouble(LearningRateDecayKey, 1.0);
        if (!(decay > 0 && decay <= 1))
        {
            throw new ArgumentException($"The fit configuration's {LearningRateDecayKey} is {decay}; it must be in (0, 1]: round r trains with {LearningRateKey} × {LearningRateDecayKey}^(r − 1).", nameof(config));
        }

        return rate * Math.Pow(decay, Math.Max(0, round - 1));
    }

    /// <summary><paramref name="parameters"/> without its FedCurv tensors (<see cref="FedCurvTensors.Names"/>): the state itself when it has none.</summary>
    internal static ModelState WithoutFedCurvTensors(ModelState parameters)
    {
        IReadOnlyList<string> names = FedCurvTensors.Names(parameters);
        if (names.Count == 0)
        {
            return parameters;
        }

        var fisher = new HashSet<string>(names, StringComparer.Ordinal);
        return new ModelState(parameters.Where(t => !fisher.Contains(t.Name)));
    }

    private static (ModelState Weights, ModelState? OptimizerState) SplitOptimizerState(ModelState parameters)
    {
        if (!parameters.Any(t => t.Name.StartsWith(OptimizerStatePrefix, StringComparison.Ordinal)))
        {
            return (parameters, null);
        }

        var weights = parameters.Where(t => !t.Name.StartsWith(OptimizerStatePrefix, StringComparison.Ordinal));
        var optimizer = parameters.Where(t => t.Name.StartsWith(OptimizerStatePrefix, StringComparison.Ordinal))
            .Select(t => t.CloneAs(t.Name[OptimizerStatePrefix.Length..]));
        return (new ModelState(weights), new ModelState(optimizer));
    }
}
