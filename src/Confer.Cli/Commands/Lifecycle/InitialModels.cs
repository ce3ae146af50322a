using System.Globalization;
using Confer.Core;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The random initial weights <c>confer plan initialize</c> writes, chosen by the plan's task runner
/// in the catalog the federation runs with, so the aggregator's first global model has the layout
/// the collaborators train.
/// </summary>
internal static class InitialModels
{
    public static ModelState Create(FederationPlan plan, int seed, TaskRunnerCatalog catalog)
    {
        if (!catalog.TaskRunners.Any(r => string.Equals(r.Name, plan.TaskRunner.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new LifecycleException(
                $"Confer has no initial model for task runner '{plan.TaskRunner.Name}'. Write the initial state yourself (a ModelState saved with ModelStateSerializer.Save) "
                + $"to the plan's aggregator.settings.init_state_path, or use a task runner Confer ships: {string.Join(", ", catalog.TaskRunners.Select(r => r.Name).Order(StringComparer.Ordinal))}.");
        }

        try
        {
            return catalog.CreateInitialModel(plan, seed);
        }
        catch (Exception ex) when (plan.CodeHash is not null && ex is not (LifecycleException or OutOfMemoryException))
        {
            // The workspace's own code failed: say whose code and what it said, not a stack trace.
            throw new LifecycleException($"The task runner {plan.TaskRunner.Name} (the workspace's code) could not create the initial model: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    public static Dictionary<string, string> Metadata(string taskRunner, int seed) => new(StringComparer.Ordinal)
    {
        ["task_runner"] = taskRunner,
        ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["written_by"] = "confer plan initialize",
    };
}
