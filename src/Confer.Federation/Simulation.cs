using Confer.Federation.Clients;
using Confer.Federation.Controllers;
using Confer.Federation.Grid;
using Confer.Federation.Nodes;
using Confer.Federation.Strategies;

namespace Confer.Federation;

/// <summary>
/// Runs a federation of virtual nodes in this process (Flower's <c>run_simulation</c>): the one
/// round controller drives the strategy over an <see cref="InMemoryGrid"/>. The same strategy
/// object drives a real federation over the gRPC grid; only the grid differs.
/// </summary>
public static class Simulation
{
    /// <summary>Runs a simulation of Flower-style clients, each made for its task by the factory and released after it.</summary>
    /// <param name="clientFactory">Creates a client by id and partition (Flower's <c>client_fn</c>).</param>
    /// <param name="strategy">The strategy, e.g. <see cref="FedAvg"/>.</param>
    /// <param name="options">Clients, rounds, parallelism, timeout, seed; defaults when null.</param>
    /// <param name="cancellationToken">Stops the run cleanly; the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The history: losses and metrics per round and the final global model.</returns>
    /// <exception cref="NotEnoughClientsException">Fewer clients than the strategy requires; thrown before round 1.</exception>
    public static Task<History> RunAsync(ClientFactory clientFactory, IStrategy strategy, SimulationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        return RunAsync(node => new ClientMessageHandler(clientFactory, node), strategy, options, cancellationToken);
    }

    /// <summary>Runs a simulation of nodes with any message handler: a task runner, a flow's steps, a FLARE executor.</summary>
    /// <param name="createHandler">Creates a node's handler on its first task; it lives for the whole run.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="options">Nodes, rounds, parallelism, timeout, seed; defaults when null.</param>
    /// <param name="cancellationToken">Stops the run cleanly; the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The history.</returns>
    /// <exception cref="NotEnoughClientsException">Fewer nodes than the strategy requires; thrown before round 1.</exception>
    public static async Task<History> RunAsync(Func<NodeContext, IMessageHandler> createHandler, IStrategy strategy, SimulationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createHandler);
        ArgumentNullException.ThrowIfNull(strategy);
        options ??= new SimulationOptions();
        var gridOptions = new InMemoryGridOptions { MaxParallel = options.MaxParallelClients };
        InMemoryGrid grid = options.ClientIds is { } ids
            ? new InMemoryGrid(ids, createHandler, gridOptions)
            : new InMemoryGrid(options.ClientCount, createHandler, gridOptions);
        await using (grid.ConfigureAwait(false))
        {
            var controller = new RoundController(strategy, grid, new RoundControllerOptions
            {
                Rounds = options.Rounds,
                RoundTimeout = options.RoundTimeout,
                StragglerPolicy = options.StragglerPolicy,
                Seed = options.Seed,
                TimeProvider = options.TimeProvider,
                LoggerFactory = options.LoggerFactory,
                Progress = options.Progress,
            });
            return await controller.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
