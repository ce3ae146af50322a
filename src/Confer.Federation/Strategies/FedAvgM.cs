using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedAvg with server momentum (Hsu et al., 2019), Flower's <c>FedAvgM</c>: the weighted mean's
/// difference from the global model drives a momentum step on the aggregator
/// (Confer.Core's <see cref="FedAvgMOptimizer"/>). The momentum lives in this instance across rounds.
/// </summary>
public sealed class FedAvgM : FederatedStrategy
{
    /// <inheritdoc/>
    public override string Name => "FedAvgM";

    /// <summary>Server learning rate η (Flower's <c>server_learning_rate</c>). Default 1.0.</summary>
    public double ServerLearningRate { get; init; } = 1.0;

    /// <summary>Server momentum μ in [0, 1) (Flower's <c>server_momentum</c>). Default 0.0 (plain FedAvg).</summary>
    public double ServerMomentum { get; init; }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginServerOptimizerAggregation(round, parameters);

    /// <inheritdoc/>
    protected override IServerOptimizer CreateServerOptimizer() => new FedAvgMOptimizer(ServerLearningRate, ServerMomentum);
}
