using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedCurv (Shoham et al., 2019, "Overcoming Forgetting in Federated Learning on Non-IID Data"),
/// OpenFL's <c>FedCurvWeightedAverage</c>: the example-weighted mean of every tensor except
/// FedCurv's u, v, w tensors (<see cref="FedCurvTensors"/>: <c>p_u</c>, <c>p_v</c>, <c>p_w</c> for
/// a parameter <c>p</c>), which are summed without weights. Every fit configuration carries
/// <c>importance</c> (λ); the collaborator adds λ·Σ(θ²·(U − u) − 2θ·(V − v) + (W − w)) to its loss,
/// U, V, W the global sums and u, v, w its own last contribution, and returns its new u = F,
/// v = F·θ, w = F·θ² with the model (the TorchSharp client does).
/// </summary>
/// <remarks>
/// Aggregation streams, one reply at a time, in O(model) memory: the u, v, w tensors fold into the
/// same accumulator as the weights, with weight 1 and no division. A global model without u, v, w
/// tensors is aggregated as FedAvg; a collaborator told the importance refuses such a model, so the
/// initial model must carry them (zeros: <c>confer plan initialize</c> writes them for a plan whose
/// strategy is <c>fedcurv</c>, and <see cref="FedCurvTensors.WithZeros"/> makes them in code).
/// </remarks>
public sealed class FedCurv : FederatedStrategy
{
    /// <summary>The name the <see cref="StrategyRegistry"/> and plans know it by: <c>fedcurv</c>.</summary>
    public const string StrategyName = "fedcurv";

    /// <summary>The fit configuration key collaborators read λ from, OpenFL's name: <c>importance</c>.</summary>
    public const string ImportanceKey = "importance";

    private readonly double _importance;

    /// <inheritdoc/>
    public override string Name => "FedCurv";

    /// <summary>The penalty's weight λ ≥ 0 (OpenFL's <c>importance</c>, which has no default either); 0 trains as FedAvg but still exchanges the Fisher tensors.</summary>
    public required double Importance
    {
        get => _importance;
        init => _importance = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Importance), value, "importance must be finite and not negative.");
    }

    /// <inheritdoc/>
    protected override ConfigRecord AddFitConfig(int round, ConfigRecord config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.With(ImportanceKey, Importance);
    }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginWeightedMeanAggregation(parameters, FedCurvTensors.Names(parameters));
}
