using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Strategies.Internal;

namespace Confer.Federation.Strategies;

/// <summary>
/// The example-weighted geometric median of the nodes' arrays by smoothed Weiszfeld iterations
/// (Pillutla et al., 2019, "Robust Aggregation for Federated Learning"; OpenFL's
/// <c>GeometricMedian</c> aggregation, with its defaults). Holds the round's results in memory
/// until the round completes.
/// </summary>
public sealed class GeometricMedian : FederatedStrategy
{
    private readonly int _maxIterations = 4;
    private readonly double _eps = 1e-5;
    private readonly double _ftol = 1e-6;

    /// <inheritdoc/>
    public override string Name => "GeometricMedian";

    /// <summary>Weiszfeld iterations after the initial mean; at least 1 (OpenFL's <c>maxiter</c>). Default 4.</summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIterations), value, "max_iterations must be at least 1.");
    }

    /// <summary>The smallest distance used in the re-weighting, &gt; 0 (OpenFL's <c>eps</c>). Default 1e-5.</summary>
    public double Eps
    {
        get => _eps;
        init => _eps = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Eps), value, "eps must be finite and greater than zero.");
    }

    /// <summary>Stop when the objective improves by less than this, relatively, &gt; 0 (OpenFL's <c>ftol</c>). Default 1e-6.</summary>
    public double Ftol
    {
        get => _ftol;
        init => _ftol = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Ftol), value, "ftol must be finite and greater than zero.");
    }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        new BufferedAggregation(parameters, updates => ModelAggregation.GeometricMedian(updates, MaxIterations, Eps, Ftol));
}
