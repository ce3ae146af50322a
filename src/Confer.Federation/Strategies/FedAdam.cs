using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedAdam (Reddi et al., 2021, "Adaptive Federated Optimization"), Flower's <c>FedAdam</c>: the
/// weighted mean's difference Δ from the global model is the pseudo-gradient of a server-side
/// Adam step (Confer.Core's <see cref="FedAdamOptimizer"/>): m_t = β₁·m + (1 − β₁)·Δ,
/// v_t = β₂·v + (1 − β₂)·Δ², x ← x + η·m_t / (√v_t + τ). The moments live in this instance across rounds.
/// With the defaults it matches Flower 1.13 to 1.28 (bias-corrected η, v from 0).
/// </summary>
public sealed class FedAdam : FederatedStrategy
{
    /// <inheritdoc/>
    public override string Name => "FedAdam";

    /// <summary>Server learning rate η (Flower's <c>eta</c>). Default 0.1.</summary>
    public double Eta { get; init; } = 0.1;

    /// <summary>Momentum decay β₁ in [0, 1) (Flower's <c>beta_1</c>). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂ in [0, 1) (Flower's <c>beta_2</c>). Default 0.99.</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>Adaptivity τ &gt; 0 (Flower's <c>tau</c>): added to √v. Default 1e-9.</summary>
    public double Tau { get; init; } = 1e-9;

    /// <summary>Where the second moment starts: 0 (default), as Flower's; or τ², as the paper's Algorithm 2.</summary>
    public SecondMomentStart SecondMomentStart { get; init; }

    /// <summary>Whether η is scaled by Adam's bias correction in each round, as Flower's FedAdam since 1.13 (default <see langword="true"/>); <see langword="false"/> is the paper's step.</summary>
    public bool BiasCorrection { get; init; } = true;

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginServerOptimizerAggregation(round, parameters);

    /// <inheritdoc/>
    protected override IServerOptimizer CreateServerOptimizer() => new FedAdamOptimizer(eta: Eta, beta1: Beta1, beta2: Beta2, tau: Tau, biasCorrection: BiasCorrection, secondMomentStart: SecondMomentStart);
}
