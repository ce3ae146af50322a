using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// Keeps every validated update of the round for an aggregator that needs them all at once
/// (median, trimmed mean, Krum, geometric median): memory is O(nodes × model size) for these
/// strategies, which is inherent to order statistics and pairwise distances.
/// </summary>
internal sealed class BufferedAggregation(ModelState global, Func<IReadOnlyList<WeightedUpdate>, ModelState> aggregate) : IParameterAggregation
{
    private readonly List<WeightedUpdate> _updates = [];

    public void Add(string clientId, ArrayRecord arrays, long exampleCount)
    {
        string description = $"the update from {clientId}";
        ModelState state;
        try
        {
            state = arrays.ToModelState();
        }
        catch (ModelStateException ex)
        {
            throw new UpdateRejectedException($"{description} cannot be aggregated: {ex.Message}", UpdateRejectionReason.LayoutMismatch, null, null, null);
        }

        UpdateValidator.Validate(global, state, exampleCount, description);
        _updates.Add(new WeightedUpdate(state, exampleCount));
    }

    public ModelState Complete(ModelState? reusable) => aggregate(_updates);
}
