using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies.Internal;

/// <summary>The example-weighted mean of the clients' parameters, folded one result at a time.</summary>
internal sealed class WeightedMeanAggregation(ModelState layout) : IParameterAggregation
{
    private readonly WeightedMeanAccumulator _accumulator = new(layout);

    public void Add(string clientId, FitResult result) =>
        _accumulator.Fold(result.Parameters, result.ExampleCount, $"the update from {clientId}");

    public ModelState Complete() => _accumulator.Result();
}
