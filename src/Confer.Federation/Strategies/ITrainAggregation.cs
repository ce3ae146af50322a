using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies;

/// <summary>
/// One round's training aggregation, fed one reply at a time (Flower's <c>aggregate_train</c>,
/// split so that the aggregator's memory stays at O(model size): NVIDIA FLARE's
/// accept-then-aggregate). The controller calls <see cref="Add"/> in the fixed order of the
/// round's messages, then <see cref="Complete"/> once.
/// </summary>
public interface ITrainAggregation
{
    /// <summary>Takes one node's reply (never an error reply: the controller records those as failures). A wrapper (e.g. clipping) may transform it before passing it on.</summary>
    /// <param name="reply">The reply, with its arrays, example count and metrics.</param>
    /// <exception cref="UpdateRejectedException">The reply cannot be aggregated (no arrays, layout, non-finite values, example count); nothing of it was taken. The controller records a failure.</exception>
    void Add(Message reply);

    /// <summary>Finishes the round.</summary>
    /// <param name="failures">The round's training failures, including replies refused by <see cref="Add"/>.</param>
    /// <param name="reusable">A state of the global model's layout that nothing uses any more (the global model of an earlier round), which the new model may be written into; <see langword="null"/> when there is none.</param>
    /// <returns>The new global model (or none) and the aggregated training metrics.</returns>
    TrainAggregate Complete(IReadOnlyList<ClientFailure> failures, ModelState? reusable = null);
}
