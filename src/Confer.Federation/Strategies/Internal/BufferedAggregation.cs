using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// Keeps every validated result of the round for an aggregator that needs them all at once
/// (median, trimmed mean, Krum): memory is O(sampled clients × model size) for these strategies,
/// which is inherent to order statistics and pairwise distances.
/// </summary>
internal sealed class BufferedAggregation(ModelState global, Func<IReadOnlyList<WeightedUpdate>, ModelState> aggregate) : IParameterAggregation
{
    private readonly List<WeightedUpdate> _updates = [];

    public void Add(string clientId, FitResult result)
    {
        UpdateValidator.Validate(global, result.Parameters, result.ExampleCount, $"the update from {clientId}");
        _updates.Add(new WeightedUpdate(result.Parameters, result.ExampleCount));
    }

    public ModelState Complete() => aggregate(_updates);
}
