using Confer.Core;

namespace Confer.Federation.Clients;

/// <summary>
/// Base class for a client written as plain synchronous methods (Flower's <c>NumPyClient</c>):
/// override <see cref="GetParameters"/>, <see cref="Fit"/> and, for distributed evaluation,
/// <see cref="Evaluate"/>. The engine runs each call on a thread-pool thread.
/// </summary>
public abstract class Client : IClient
{
    /// <summary>Returns the client's current model parameters.</summary>
    /// <param name="config">Configuration from the aggregator.</param>
    /// <returns>The parameters.</returns>
    public abstract ModelState GetParameters(ConfigRecord config);

    /// <summary>Trains <paramref name="parameters"/> on local data.</summary>
    /// <param name="parameters">The global model of this round; read-only.</param>
    /// <param name="config">The round's fit configuration.</param>
    /// <param name="cancellationToken">Signalled when the run is cancelled or the round timed out; check it between batches.</param>
    /// <returns>The new parameters, the number of training examples and metrics.</returns>
    public abstract FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="parameters"/> on local data. The default refuses, which the
    /// engine records as an evaluate failure of this client: override it, or set the strategy's
    /// <c>FractionEvaluate</c> to 0 to evaluate only on the aggregator.
    /// </summary>
    /// <param name="parameters">The global model of this round; read-only.</param>
    /// <param name="config">The round's evaluate configuration.</param>
    /// <param name="cancellationToken">Signalled when the run is cancelled or the round timed out.</param>
    /// <returns>The loss, the number of evaluation examples and metrics.</returns>
    /// <exception cref="NotSupportedException">Always, unless overridden.</exception>
    public virtual EvaluateResult Evaluate(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not override Evaluate; override it, or set the strategy's FractionEvaluate to 0.");

    /// <inheritdoc/>
    Task<ModelState> IClient.GetParametersAsync(ConfigRecord config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(GetParameters(config));
    }

    /// <inheritdoc/>
    Task<FitResult> IClient.FitAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Fit(parameters, config, cancellationToken));
    }

    /// <inheritdoc/>
    Task<EvaluateResult> IClient.EvaluateAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Evaluate(parameters, config, cancellationToken));
    }
}
