namespace Confer.Core.Aggregation;

/// <summary>
/// FedAdam (Reddi et al. 2021, Algorithm 2): v_t = β₂·v_{t−1} + (1 − β₂)·Δ². See
/// <see cref="AdaptiveServerOptimizer"/> for the full step.
/// </summary>
public sealed class FedAdamOptimizer : AdaptiveServerOptimizer
{
    /// <summary>Creates FedAdam with the paper's (and Flower's) defaults.</summary>
    /// <param name="eta">Server learning rate η. Default 0.1.</param>
    /// <param name="etaL">Client learning rate η_l. Default 0.1.</param>
    /// <param name="beta1">Momentum decay β₁. Default 0.9.</param>
    /// <param name="beta2">Second-moment decay β₂. Default 0.99.</param>
    /// <param name="tau">Adaptivity τ. Default 1e-9.</param>
    public FedAdamOptimizer(double eta = 0.1, double etaL = 0.1, double beta1 = 0.9, double beta2 = 0.99, double tau = 1e-9)
        : base(eta, etaL, beta1, beta2, tau)
    {
    }

    /// <inheritdoc/>
    protected override double NextSecondMoment(double previous, double deltaSquared) =>
        (Beta2 * previous) + ((1 - Beta2) * deltaSquared);
}
