using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

/// <summary>
/// FedAvgM (Hsu et al. 2019, server momentum), as Flower's <c>FedAvgM</c>. Per element, with
/// Δ = aggregated − global:
/// <code>
/// u_t     = μ·u_{t−1} + Δ          (u_{−1} = 0)
/// x_{t+1} = x_t + η·u_t
/// </code>
/// With the defaults (η = 1, μ = 0) the step returns the aggregated model: plain FedAvg.
/// </summary>
public sealed class FedAvgMOptimizer : IServerOptimizer
{
    private ModelState? _momentum;

    /// <summary>Creates FedAvgM.</summary>
    /// <param name="serverLearningRate">Server learning rate η (Flower's <c>server_learning_rate</c>). Default 1.0.</param>
    /// <param name="serverMomentum">Server momentum μ in [0, 1) (Flower's <c>server_momentum</c>). Default 0.0.</param>
    public FedAvgMOptimizer(double serverLearningRate = 1.0, double serverMomentum = 0.0)
    {
        if (!double.IsFinite(serverLearningRate) || serverLearningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(serverLearningRate), serverLearningRate, "The server learning rate must be finite and greater than zero.");
        }

        if (!(serverMomentum >= 0 && serverMomentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(serverMomentum), serverMomentum, "The server momentum must be in [0, 1).");
        }

        ServerLearningRate = serverLearningRate;
        ServerMomentum = serverMomentum;
    }

    /// <summary>Server learning rate η. Default 1.0.</summary>
    public double ServerLearningRate { get; }

    /// <summary>Server momentum μ. Default 0.0.</summary>
    public double ServerMomentum { get; }

    /// <inheritdoc/>
    public int StepCount { get; private set; }

    /// <summary>The momentum buffer u, or <see langword="null"/> before the first step. Live: do not modify.</summary>
    public ModelState? Momentum => _momentum;

    /// <inheritdoc/>
    public ModelState Step(ModelState global, ModelState aggregated, int? round = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        UpdateValidator.EnsureSameLayout(global, aggregated, "the aggregated model");
        UpdateValidator.EnsureFinite(aggregated, "the aggregated model");
        UpdateValidator.EnsureFinite(global, "the global model");
        if (_momentum is null)
        {
            _momentum = ServerStep.CreateState(global, 0);
        }
        else
        {
            ServerStep.EnsureStateMatches(global, _momentum, "momentum");
        }

        double eta = ServerLearningRate;
        double mu = ServerMomentum;
        ModelState next = ServerStep.Apply(global, aggregated, _momentum, null, (x, agg, u, _) =>
        {
            for (int i = 0; i < x.Length; i++)
            {
                u[i] = (mu * u[i]) + (agg[i] - x[i]);
                x[i] += eta * u[i];
            }
        });
        StepCount++;
        return next;
    }

    /// <inheritdoc/>
    public ModelState ExportState() => ServerStep.Export(("momentum", _momentum));

    /// <inheritdoc/>
    public void ImportState(ModelState state, int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        _momentum = ServerStep.Import(state, "momentum")[0];
        StepCount = stepCount;
    }
}
