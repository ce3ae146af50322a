namespace Confer.Core.Aggregation;

/// <summary>
/// FedAdagrad (Reddi et al. 2021, Algorithm 2): v_t = v_{t−1} + Δ². See
/// <see cref="AdaptiveServerOptimizer"/> for the full step. With the defaults it computes what
/// Flower's <c>FedAdagrad</c> computes (checked against flwr 1.28 and its unit test's 0.15).
/// </summary>
public sealed class FedAdagradOptimizer : AdaptiveServerOptimizer
{
    /// <summary>Creates FedAdagrad with Flower's defaults.</summary>
    /// <param name="eta">Server learning rate η. Default 0.1.</param>
    /// <param name="beta1">Momentum decay β₁. Default 0.0 (no momentum: m_t = Δ).</param>
    /// <param name="tau">Adaptivity τ. Default 1e-9.</param>
    /// <param name="secondMomentStart">Where v starts. Default 0, as in Flower.</param>
    public FedAdagradOptimizer(double eta = 0.1, double beta1 = 0.0, double tau = 1e-9, SecondMomentStart secondMomentStart = SecondMomentStart.Zero)
        : base(eta, beta1, beta2: 0.0, tau, secondMomentStart)
    {
    }

    /// <inheritdoc/>
    protected override double NextSecondMoment(double previous, double deltaSquared) =>
        previous + deltaSquared;
}
