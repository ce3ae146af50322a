using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>
/// The aggregator-side policy of a federation (Flower's <c>Strategy</c>): which clients take part
/// in a round, with which configuration, and how their results become the next global model. The
/// hooks come in pairs, <see cref="ConfigureFit"/>/<see cref="BeginAggregateFit"/> and
/// <see cref="ConfigureEvaluate"/>/<see cref="BeginAggregateEvaluate"/>, and aggregation sees
/// results and failures. A wrapper (differential privacy, clipping) implements this interface
/// around another strategy.
/// </summary>
public interface IStrategy
{
    /// <summary>The strategy's name for logs and the history, e.g. <c>FedAvg</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The fewest available clients the strategy can work with; the controller refuses to start
    /// round 1 with fewer, before any work is done.
    /// </summary>
    int RequiredClients { get; }

    /// <summary>The initial global model, or <see langword="null"/> to take it from one client's <see cref="Clients.IClient.GetParametersAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parameters or <see langword="null"/>.</returns>
    Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default);

    /// <summary>Chooses the clients that train in round <paramref name="round"/> and their configuration.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <param name="parameters">The current global model.</param>
    /// <param name="clients">The clients to choose from, seeded for this round.</param>
    /// <returns>The assignments; empty skips training this round.</returns>
    IReadOnlyList<ClientInstructions<FitInstructions>> ConfigureFit(int round, ModelState parameters, IClientManager clients);

    /// <summary>Starts aggregating round <paramref name="round"/>'s fit results.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <param name="parameters">The current global model (the one the clients trained from).</param>
    /// <returns>The aggregation, fed by the controller.</returns>
    IFitAggregation BeginAggregateFit(int round, ModelState parameters);

    /// <summary>Chooses the clients that evaluate in round <paramref name="round"/> and their configuration.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <param name="parameters">The new global model.</param>
    /// <param name="clients">The clients to choose from, seeded for this round.</param>
    /// <returns>The assignments; empty skips distributed evaluation this round.</returns>
    IReadOnlyList<ClientInstructions<EvaluateInstructions>> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients);

    /// <summary>Starts aggregating round <paramref name="round"/>'s evaluate results.</summary>
    /// <param name="round">The round, 1-based.</param>
    /// <returns>The aggregation, fed by the controller.</returns>
    IEvaluateAggregation BeginAggregateEvaluate(int round);

    /// <summary>Evaluates the global model on the aggregator's own data (centralized evaluation); round 0 is the initial model.</summary>
    /// <param name="round">The round, 0 for the initial parameters.</param>
    /// <param name="parameters">The global model.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The loss and metrics, or <see langword="null"/> when the strategy has no centralized evaluation.</returns>
    Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default);
}
