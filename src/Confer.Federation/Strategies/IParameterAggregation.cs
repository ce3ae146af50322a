using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;

namespace Confer.Federation.Strategies;

/// <summary>
/// The parameter part of a round's fit aggregation, supplied by a <see cref="FederatedStrategy"/>:
/// the maths that turns the clients' parameters into the next global model (weighted mean, a
/// server optimizer step, a robust estimator). <see cref="FederatedStrategy"/> handles sampling,
/// failures and metrics around it.
/// </summary>
public interface IParameterAggregation
{
    /// <summary>Takes one client's result, in the fixed client order.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="result">Its result.</param>
    /// <exception cref="UpdateRejectedException">The result cannot be aggregated; nothing of it was taken.</exception>
    void Add(string clientId, FitResult result);

    /// <summary>The next global model from the results taken; called only when at least one was taken and the round is accepted.</summary>
    /// <returns>The new parameters.</returns>
    ModelState Complete();
}
