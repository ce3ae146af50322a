using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// The weighted mean of the nodes' arrays, folded one at a time, followed by one step of a
/// server optimizer (FedAvgM, FedAdam, FedYogi, FedAdagrad) from the current global model.
/// </summary>
internal sealed class ServerOptimizerAggregation(ModelState global, MeanBuffers buffers, IServerOptimizer optimizer, int round) : IParameterAggregation
{
    private readonly WeightedMeanAggregation _mean = new(buffers);

    public void Add(string clientId, ArrayRecord arrays, long exampleCount) => _mean.Add(clientId, arrays, exampleCount);

    // The mean is only the step's input: it may live in the reusable buffers.
    public ModelState Complete(ModelState? reusable) => optimizer.Step(global, _mean.Complete(reusable), round);
}
