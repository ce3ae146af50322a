using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies;

/// <summary>One round's distributed-evaluation aggregation, fed one reply at a time in the fixed order of the round's messages.</summary>
public interface IEvaluateAggregation
{
    /// <summary>Takes one node's reply (never an error reply).</summary>
    /// <param name="reply">The reply: metrics, with the loss as <see cref="MessageKeys.Loss"/>, and the example count.</param>
    /// <exception cref="UpdateRejectedException">The reply cannot be aggregated (non-finite loss, example count); nothing of it was taken.</exception>
    void Add(Message reply);

    /// <summary>Finishes the round.</summary>
    /// <param name="failures">The round's evaluation failures.</param>
    /// <returns>The aggregated loss (or none) and metrics.</returns>
    EvaluateAggregate Complete(IReadOnlyList<ClientFailure> failures);
}
