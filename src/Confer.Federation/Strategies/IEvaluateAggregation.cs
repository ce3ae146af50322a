using Confer.Federation.Clients;

namespace Confer.Federation.Strategies;

/// <summary>One round's distributed-evaluation aggregation, fed one result at a time in the fixed client order.</summary>
public interface IEvaluateAggregation
{
    /// <summary>Takes one client's result (the controller has checked that the loss is finite and the example count positive).</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="result">Its result.</param>
    void Add(string clientId, EvaluateResult result);

    /// <summary>Finishes the round.</summary>
    /// <param name="failures">The round's evaluate failures.</param>
    /// <returns>The aggregated loss (or none) and metrics.</returns>
    EvaluateAggregate Complete(IReadOnlyList<ClientFailure> failures);
}
