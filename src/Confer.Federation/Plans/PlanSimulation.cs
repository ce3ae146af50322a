using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation.Plans;

/// <summary>
/// Runs a plan's federation in this process: the collaborators of <c>plan/cols.yaml</c> become
/// nodes of an in-memory grid, each with the plan's task runner, and the one round controller
/// drives the plan's strategy over them, with the plan's rounds and straggler policy. The same
/// plan run by a real aggregator and real collaborators gives the same models, bit for bit.
/// </summary>
public static class PlanSimulation
{
    /// <summary>Runs the plan.</summary>
    /// <param name="plan">The plan, with its authorized collaborators and their data.</param>
    /// <param name="catalog">The task runners the plan may name.</param>
    /// <param name="strategies">The strategies the plan may name; null for the built-in ones.</param>
    /// <param name="loggerFactory">Where the run logs; null for nowhere.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The history; its parameters are the last global model.</returns>
    public static Task<History> RunAsync(FederationPlan plan, TaskRunnerCatalog catalog, StrategyRegistry? strategies = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(catalog);
        if (plan.AuthorizedCollaborators.IsDefaultOrEmpty)
        {
            throw new InvalidOperationException("plan/cols.yaml lists no collaborators: a plan's simulation runs one node per authorized collaborator.");
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        _ = catalog.Get(plan); // an unknown task runner fails here, before the simulation starts
        var strategy = new PlanStrategy(plan, (strategies ?? StrategyRegistry.Default).Create(plan.Strategy), loggerFactory);
        return Simulation.RunAsync(
            node => new TaskRunnerMessageHandler(plan, catalog.Create(new TaskRunnerContext(plan, node.NodeId, plan.CollaboratorData.GetValueOrDefault(node.NodeId), loggerFactory))),
            strategy,
            new SimulationOptions
            {
                ClientIds = [.. plan.AuthorizedCollaborators.Order(StringComparer.Ordinal)],
                Rounds = plan.Aggregator.RoundsToTrain,
                StragglerPolicy = plan.StragglerPolicy,
                LoggerFactory = loggerFactory,
            },
            cancellationToken);
    }
}
