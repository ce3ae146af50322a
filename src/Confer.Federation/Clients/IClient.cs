using Confer.Core;

namespace Confer.Federation.Clients;

/// <summary>
/// A collaborator's side of the client + strategy API (Flower's <c>Client</c>): it hands out its
/// parameters, trains the global model on its private data and evaluates it there. The engine
/// calls these from any thread, one call at a time per instance. Implement <see cref="Client"/>
/// instead for synchronous code (Flower's <c>NumPyClient</c> habit).
/// </summary>
/// <remarks>
/// The parameters a client receives may be shared with other clients of the same round: treat
/// them as read-only (the engine refuses a round in which they changed). A client that implements
/// <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> is disposed after each use.
/// </remarks>
public interface IClient
{
    /// <summary>Returns the client's current model parameters (used when the strategy has no initial parameters).</summary>
    /// <param name="config">Configuration from the aggregator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parameters.</returns>
    Task<ModelState> GetParametersAsync(ConfigRecord config, CancellationToken cancellationToken = default);

    /// <summary>Trains <paramref name="parameters"/> on local data (Flower's <c>fit</c>).</summary>
    /// <param name="parameters">The global model of this round; read-only.</param>
    /// <param name="config">The round's fit configuration from the strategy (e.g. <c>local_epochs</c>, <c>proximal_mu</c>).</param>
    /// <param name="cancellationToken">Cancels the training (the run was cancelled or the round timed out).</param>
    /// <returns>The new parameters, the number of training examples and metrics.</returns>
    Task<FitResult> FitAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken = default);

    /// <summary>Evaluates <paramref name="parameters"/> on local data (Flower's <c>evaluate</c>).</summary>
    /// <param name="parameters">The global model of this round; read-only.</param>
    /// <param name="config">The round's evaluate configuration from the strategy.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The loss, the number of evaluation examples and metrics.</returns>
    Task<EvaluateResult> EvaluateAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken = default);
}
