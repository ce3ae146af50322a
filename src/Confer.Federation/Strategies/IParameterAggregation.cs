using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies;

/// <summary>
/// The parameter part of a round's training aggregation, supplied by a <see cref="FederatedStrategy"/>:
/// the maths that turns the nodes' arrays into the next global model (weighted mean, a server
/// optimizer step, a robust estimator). <see cref="FederatedStrategy"/> handles sampling,
/// failures and metrics around it.
/// </summary>
public interface IParameterAggregation
{
    /// <summary>Takes one node's arrays, in the fixed node order.</summary>
    /// <param name="clientId">The node.</param>
    /// <param name="arrays">Its arrays: in memory, or read when folded (see <see cref="ArrayRecord"/>).</param>
    /// <param name="exampleCount">Its example count, the weight of its arrays.</param>
    /// <exception cref="UpdateRejectedException">The arrays cannot be aggregated; nothing of them was taken.</exception>
    void Add(string clientId, ArrayRecord arrays, long exampleCount);

    /// <summary>The next global model from the arrays taken; called only when at least one was taken and the round is accepted.</summary>
    /// <param name="reusable">A state of the global model's layout whose buffers the result may be written into, or <see langword="null"/>.</param>
    /// <returns>The new parameters.</returns>
    ModelState Complete(ModelState? reusable);
}
