using Confer.Federation.Channels;
using Confer.Federation.Clients;
using Confer.Federation.Controllers;
using Confer.Federation.Strategies;

namespace Confer.Federation;

/// <summary>
/// Runs a federation of virtual clients in this process (Flower's <c>start_simulation</c>): the
/// round controller drives the strategy over an <see cref="InProcessChannel"/>, which creates each
/// client on demand through the factory and releases it after its task.
/// </summary>
public static class Simulation
{
    /// <summary>Runs the simulation.</summary>
    /// <param name="clientFactory">Creates a client by id and partition (Flower's <c>client_fn</c>).</param>
    /// <param name="strategy">The strategy, e.g. <see cref="FedAvg"/>.</param>
    /// <param name="options">Clients, rounds, parallelism, timeout, seed; defaults when null.</param>
    /// <param name="cancellationToken">Stops the run cleanly; the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The history: losses and metrics per round and the final global model.</returns>
    /// <exception cref="NotEnoughClientsException">Fewer clients than the strategy requires; thrown before round 1.</exception>
    public static Task<History> RunAsync(ClientFactory clientFactory, IStrategy strategy, SimulationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(strategy);
        options ??= new SimulationOptions();
        InProcessChannel channel = options.ClientIds is { } ids
            ? new InProcessChannel(clientFactory, ids)
            : new InProcessChannel(clientFactory, options.ClientCount);
        var controller = new RoundController(strategy, channel, new RoundControllerOptions
        {
            Rounds = options.Rounds,
            MaxParallelClients = options.MaxParallelClients,
            RoundTimeout = options.RoundTimeout,
            Seed = options.Seed,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
            Progress = options.Progress,
        });
        return controller.RunAsync(cancellationToken);
    }
}
