using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Strategies.Internal;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedTrimmedAvg (Yin et al., 2018), Flower's <c>FedTrimmedAvg</c>: for every element, the
/// ⌊β·n⌋ smallest and largest client values are dropped and the rest averaged (unweighted). Holds
/// the round's results in memory until the round completes.
/// </summary>
public sealed class FedTrimmedAvg : FederatedStrategy
{
    private readonly double _beta = 0.2;

    /// <inheritdoc/>
    public override string Name => "FedTrimmedAvg";

    /// <summary>The fraction cut from each end, in [0, 0.5) (Flower's <c>beta</c>). Default 0.2.</summary>
    public double Beta
    {
        get => _beta;
        init => _beta = value is >= 0 and < 0.5 ? value : throw new ArgumentOutOfRangeException(nameof(Beta), value, "beta is the fraction cut from each end and must be in [0, 0.5).");
    }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        new BufferedAggregation(parameters, updates => ModelAggregation.TrimmedMean(updates.Select(u => u.State).ToArray(), Beta));
}
