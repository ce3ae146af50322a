using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Strategies.Internal;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedMedian (Yin et al., 2018), Flower's <c>FedMedian</c>: the next global model is the
/// coordinate-wise median of the clients' parameters (unweighted), robust to fewer than half of
/// them being arbitrary. Holds the round's results in memory until the round completes.
/// </summary>
public sealed class FedMedian : FederatedStrategy
{
    /// <inheritdoc/>
    public override string Name => "FedMedian";

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        new BufferedAggregation(parameters, updates => ModelAggregation.Median(updates.Select(u => u.State).ToArray()));
}
