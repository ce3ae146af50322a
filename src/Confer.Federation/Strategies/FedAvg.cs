using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>
/// Federated Averaging (McMahan et al., 2017): the next global model is the example-weighted mean
/// of the clients' parameters. The knobs and defaults are Flower's (see <see cref="FederatedStrategy"/>).
/// </summary>
public sealed class FedAvg : FederatedStrategy
{
    /// <inheritdoc/>
    public override string Name => "FedAvg";

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginWeightedMeanAggregation(parameters);
}
