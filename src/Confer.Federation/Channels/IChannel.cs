using Confer.Core;
using Confer.Federation.Clients;

namespace Confer.Federation.Channels;

/// <summary>
/// How a controller reaches the clients (executors) of a federation: in-process for simulation,
/// over the network for a real federation. The controller sees only this interface, so the same
/// round logic runs over every channel. Every call may fail; the controller turns a failure into
/// a <see cref="ClientFailure"/>.
/// </summary>
public interface IChannel
{
    /// <summary>The available clients in their fixed order: the order results are folded in.</summary>
    IReadOnlyList<string> Clients { get; }

    /// <summary>Asks a client for its parameters.</summary>
    /// <param name="clientId">One of <see cref="Clients"/>.</param>
    /// <param name="config">Configuration for the client.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The client's parameters.</returns>
    Task<ModelState> GetParametersAsync(string clientId, ConfigRecord config, CancellationToken cancellationToken = default);

    /// <summary>Runs a fit task on a client.</summary>
    /// <param name="clientId">One of <see cref="Clients"/>.</param>
    /// <param name="instructions">The global model and configuration.</param>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>The client's result.</returns>
    Task<FitResult> FitAsync(string clientId, FitInstructions instructions, CancellationToken cancellationToken = default);

    /// <summary>Runs an evaluate task on a client.</summary>
    /// <param name="clientId">One of <see cref="Clients"/>.</param>
    /// <param name="instructions">The global model and configuration.</param>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>The client's result.</returns>
    Task<EvaluateResult> EvaluateAsync(string clientId, EvaluateInstructions instructions, CancellationToken cancellationToken = default);
}
