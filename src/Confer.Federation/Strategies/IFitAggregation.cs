using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies;

/// <summary>
/// One round's fit aggregation, fed one result at a time (Flower's <c>aggregate_fit</c>, split so
/// that the aggregator's memory stays at O(model size): NVIDIA FLARE's accept-then-aggregate). The
/// controller calls <see cref="Add"/> in the fixed client order, then <see cref="Complete"/> once.
/// </summary>
public interface IFitAggregation
{
    /// <summary>Takes one client's result. A wrapper (e.g. clipping) may transform it before passing it on.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="result">Its result.</param>
    /// <exception cref="UpdateRejectedException">The result cannot be aggregated (layout, non-finite values, example count); nothing of it was taken. The controller records a failure.</exception>
    void Add(string clientId, FitResult result);

    /// <summary>Finishes the round.</summary>
    /// <param name="failures">The round's fit failures, including results refused by <see cref="Add"/>.</param>
    /// <returns>The new global model (or none) and the aggregated fit metrics.</returns>
    FitAggregate Complete(IReadOnlyList<ClientFailure> failures);
}
