using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

/// <summary>
/// The adaptive server optimizers of Reddi et al. 2021, "Adaptive Federated Optimization",
/// Algorithm 2 (FedAdagrad, FedYogi, FedAdam). Per element, with Δ = aggregated − global:
/// <code>
/// m_t     = β₁·m_{t−1} + (1 − β₁)·Δ
/// v_t     = rule(v_{t−1}, Δ²)              // Adagrad, Yogi or Adam
/// x_{t+1} = x_t + η·m_t / (√v_t + τ)
/// </code>
/// with m_{−1} = 0 and v_{−1} = 0 by default, as Flower computes them (its own unit tests are
/// Confer's: FedAdagrad's first step from 0.1 towards a mean of 0.6 with η = 0.1 and τ = 0.5 is
/// 0.15). <see cref="SecondMomentStart.TauSquared"/> starts v at τ² instead, as the paper asks.
/// FedAdam also scales η by Adam's bias correction, as Flower does since 1.13 (see
/// <see cref="FedAdamOptimizer"/>).
/// </summary>
/// <remarks>
/// The state buffers m and v are model states (float64 for float64 tensors, float32 otherwise)
/// and are updated in float64 arithmetic.
/// </remarks>
public abstract class AdaptiveServerOptimizer : IServerOptimizer
{
    private ModelState? _m;
    private ModelState? _v;

    /// <summary>Creates the optimizer with its hyper-parameters.</summary>
    /// <param name="eta">Server learning rate η; finite and greater than zero.</param>
    /// <param name="beta1">Momentum decay β₁, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay β₂, in [0, 1).</param>
    /// <param name="tau">Adaptivity τ; finite and greater than zero.</param>
    /// <param name="secondMomentStart">Where v starts: 0 (Flower) or τ² (the paper).</param>
    protected AdaptiveServerOptimizer(double eta, double beta1, double beta2, double tau, SecondMomentStart secondMomentStart)
    {
        RequirePositive(eta, nameof(eta));
        RequirePositive(tau, nameof(tau));
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta_1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta_2 must be in [0, 1).");
        }

        Eta = eta;
        Beta1 = beta1;
        Beta2 = beta2;
        Tau = tau;
        SecondMomentStart = secondMomentStart;
    }

    /// <summary>Server learning rate η.</summary>
    public double Eta { get; }

    /// <summary>Momentum decay β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay β₂ (unused by FedAdagrad).</summary>
    public double Beta2 { get; }

    /// <summary>Adaptivity τ: added to √v in the denominator (and where v starts, with <see cref="SecondMomentStart.TauSquared"/>).</summary>
    public double Tau { get; }

    /// <summary>Where v starts.</summary>
    public SecondMomentStart SecondMomentStart { get; }

    /// <inheritdoc/>
    public int StepCount { get; private set; }

    /// <summary>The first moment m (one tensor per floating-point model tensor), or <see langword="null"/> before the first step. Live: do not modify.</summary>
    public ModelState? M => _m;

    /// <summary>The second moment v (one tensor per floating-point model tensor), or <see langword="null"/> before the first step. Live: do not modify.</summary>
    public ModelState? V => _v;

    /// <inheritdoc/>
    public ModelState Step(ModelState global, ModelState aggregated, int? round = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        UpdateValidator.EnsureSameLayout(global, aggregated, "the aggregated model");
        UpdateValidator.EnsureFinite(aggregated, "the aggregated model");
        UpdateValidator.EnsureFinite(global, "the global model");
        if (_m is null || _v is null)
        {
            _m = ServerStep.CreateState(global, 0);
            _v = ServerStep.CreateState(global, SecondMomentStart == SecondMomentStart.TauSquared ? Tau * Tau : 0);
        }
        else
        {
            ServerStep.EnsureStateMatches(global, _m, "m");
            ServerStep.EnsureStateMatches(global, _v, "v");
        }

        double eta = Eta * StepScale(round ?? (StepCount + 1));
        double beta1 = Beta1;
        double tau = Tau;
        ModelState next = ServerStep.Apply(global, aggregated, _m, _v, (x, agg, m, v) =>
        {
            for (int i = 0; i < x.Length; i++)
            {
                double delta = agg[i] - x[i];
                m[i] = (beta1 * m[i]) + ((1 - beta1) * delta);
                v[i] = NextSecondMoment(v[i], delta * delta);
                x[i] += eta * m[i] / (Math.Sqrt(v[i]) + tau);
            }
        });
        StepCount++;
        return next;
    }

    /// <inheritdoc/>
    public ModelState ExportState() => ServerStep.Export(("m", _m), ("v", _v));

    /// <inheritdoc/>
    public void ImportState(ModelState state, int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        ModelState?[] parts = ServerStep.Import(state, "m", "v");
        if ((parts[0] is null) != (parts[1] is null))
        {
            throw new ModelStateException("Server optimizer state must hold both 'm/' and 'v/' tensors, or neither.");
        }

        _m = parts[0];
        _v = parts[1];
        StepCount = stepCount;
    }

    /// <summary>The factor η is scaled by in round <paramref name="round"/>: 1, or FedAdam's bias correction.</summary>
    /// <param name="round">The round, from 1.</param>
    /// <returns>The factor.</returns>
    protected virtual double StepScale(int round) => 1;

    /// <summary>The rule that distinguishes Adagrad, Yogi and Adam: v_t from v_{t−1} and Δ².</summary>
    /// <param name="previous">v_{t−1}.</param>
    /// <param name="deltaSquared">Δ², element-wise.</param>
    /// <returns>v_t.</returns>
    protected abstract double NextSecondMoment(double previous, double deltaSquared);

    private static void RequirePositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and greater than zero.");
        }
    }
}
