namespace Confer.Core.Aggregation;

/// <summary>
/// FedYogi (Reddi et al. 2021, Algorithm 2): v_t = v_{t−1} − (1 − β₂)·Δ²·sign(v_{t−1} − Δ²),
/// which grows v additively and so adapts more cautiously than Adam. See
/// <see cref="AdaptiveServerOptimizer"/> for the full step. With the defaults it computes what
/// Flower's <c>FedYogi</c> computes (checked against flwr 1.28, whose step has no bias correction).
/// </summary>
public sealed class FedYogiOptimizer : AdaptiveServerOptimizer
{
    /// <summary>Creates FedYogi with Flower's defaults.</summary>
    /// <param name="eta">Server learning rate η. Default 0.01.</param>
    /// <param name="beta1">Momentum decay β₁. Default 0.9.</param>
    /// <param name="beta2">Second-moment decay β₂. Default 0.99.</param>
    /// <param name="tau">Adaptivity τ. Default 1e-3.</param>
    /// <param name="secondMomentStart">Where v starts. Default 0, as in Flower.</param>
    public FedYogiOptimizer(double eta = 0.01, double beta1 = 0.9, double beta2 = 0.99, double tau = 1e-3, SecondMomentStart secondMomentStart = SecondMomentStart.Zero)
        : base(eta, beta1, beta2, tau, secondMomentStart)
    {
    }

    /// <inheritdoc/>
    protected override double NextSecondMoment(double previous, double deltaSquared) =>
        previous - ((1 - Beta2) * deltaSquared * Math.Sign(previous - deltaSquared));
}
