using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedAdagrad (Reddi et al., 2021, "Adaptive Federated Optimization"), Flower's <c>FedAdagrad</c>: the
/// weighted mean's difference Δ from the global model is the pseudo-gradient of a server-side
/// Adagrad step (Confer.Core's <see cref="FedAdagradOptimizer"/>): m_t = β₁·m + (1 − β₁)·Δ,
/// v_t = v + Δ², x ← x + η·m_t / (√v_t + τ). The moments live in this instance across rounds.
/// With the defaults it matches Flower's FedAdagrad (checked against flwr 1.28).
/// </summary>
public sealed class FedAdagrad : FederatedStrategy
{
    /// <inheritdoc/>
    public override string Name => "FedAdagrad";

    /// <summary>Server learning rate η (Flower's <c>eta</c>). Default 0.1.</summary>
    public double Eta { get; init; } = 0.1;

    /// <summary>Momentum decay β₁ in [0, 1) (Flower's <c>beta_1</c>). Default 0.0.</summary>
    public double Beta1 { get; init; } = 0.0;

    /// <summary>Adaptivity τ &gt; 0 (Flower's <c>tau</c>): added to √v. Default 1e-9.</summary>
    public double Tau { get; init; } = 1e-9;

    /// <summary>Where the second moment starts: 0 (default), as Flower's; or τ², as the paper's Algorithm 2.</summary>
    public SecondMomentStart SecondMomentStart { get; init; }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginServerOptimizerAggregation(round, parameters);

    /// <inheritdoc/>
    protected override IServerOptimizer CreateServerOptimizer() => new FedAdagradOptimizer(eta: Eta, beta1: Beta1, tau: Tau, secondMomentStart: SecondMomentStart);
}
