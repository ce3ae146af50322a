namespace Confer.Core.Aggregation;

/// <summary>
/// FedAdam (Reddi et al. 2021, Algorithm 2): v_t = β₂·v_{t−1} + (1 − β₂)·Δ². See
/// <see cref="AdaptiveServerOptimizer"/> for the full step. By default, as Flower's FedAdam since
/// 1.13, η is scaled in round r by Adam's bias correction √(1 − β₂^(r+1)) / (1 − β₁^(r+1)) (Flower's
/// exponent is the round plus one; checked against flwr 1.28); without it, the step is the paper's.
/// </summary>
public sealed class FedAdamOptimizer : AdaptiveServerOptimizer
{
    /// <summary>Creates FedAdam with Flower's defaults.</summary>
    /// <param name="eta">Server learning rate η. Default 0.1.</param>
    /// <param name="beta1">Momentum decay β₁. Default 0.9.</param>
    /// <param name="beta2">Second-moment decay β₂. Default 0.99.</param>
    /// <param name="tau">Adaptivity τ. Default 1e-9.</param>
    /// <param name="biasCorrection">Whether η is bias-corrected, as in Flower 1.13 and later. Default true.</param>
    /// <param name="secondMomentStart">Where v starts. Default 0, as in Flower.</param>
    public FedAdamOptimizer(double eta = 0.1, double beta1 = 0.9, double beta2 = 0.99, double tau = 1e-9, bool biasCorrection = true, SecondMomentStart secondMomentStart = SecondMomentStart.Zero)
        : base(eta, beta1, beta2, tau, secondMomentStart)
    {
        BiasCorrection = biasCorrection;
    }

    /// <summary>Whether η is scaled by Adam's bias correction.</summary>
    public bool BiasCorrection { get; }

    /// <inheritdoc/>
    protected override double StepScale(int round) =>
        BiasCorrection ? Math.Sqrt(1 - Math.Pow(Beta2, round + 1.0)) / (1 - Math.Pow(Beta1, round + 1.0)) : 1;

    /// <inheritdoc/>
    protected override double NextSecondMoment(double previous, double deltaSquared) =>
        (Beta2 * previous) + ((1 - Beta2) * deltaSquared);
}
