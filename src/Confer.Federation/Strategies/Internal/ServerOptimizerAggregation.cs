using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// The weighted mean of the clients' parameters, folded one at a time, followed by one step of a
/// server optimizer (FedAvgM, FedAdam, FedYogi, FedAdagrad) from the current global model.
/// </summary>
internal sealed class ServerOptimizerAggregation(ModelState global, IServerOptimizer optimizer) : IParameterAggregation
{
    private readonly WeightedMeanAggregation _mean = new(global);

    public void Add(string clientId, FitResult result) => _mean.Add(clientId, result);

    public ModelState Complete() => optimizer.Step(global, _mean.Complete());
}
