using Confer.Core;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// A task runner from a workspace's own code. The plan names the class by its full name
/// (<c>task_runner.template: Hospital.Training.MlpTaskRunner</c>); Confer creates it once per process
/// with its public parameterless constructor when the plan loads, reads its schemas to validate the
/// plan, and asks it for a runner on each collaborator and for the initial model on the aggregator.
/// </summary>
public interface IPlanTaskRunner
{
    /// <summary>The <c>task_runner.settings</c> it accepts (e.g. a learning rate); a key it does not list is refused at plan load.</summary>
    SettingsSchema Settings { get; }

    /// <summary>The task functions it implements (<c>train</c>, <c>validate</c>, ...), each with the schema of its own <c>kwargs</c>.</summary>
    IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; }

    /// <summary>The strategies' client settings its runners apply from each task's config (FedProx's <c>proximal_mu</c>); default none.</summary>
    IReadOnlyList<string> ClientSettings => [];

    /// <summary>One line of documentation.</summary>
    string Description => string.Empty;

    /// <summary>The random initial global model (<c>confer plan initialize</c> writes it).</summary>
    /// <param name="settings">The plan's <c>task_runner.settings</c>.</param>
    /// <param name="seed">The seed of the random weights.</param>
    /// <returns>The model state.</returns>
    ModelState CreateInitialModel(PlanSettings settings, int seed);

    /// <summary>Creates the runner of one collaborator.</summary>
    /// <param name="context">The plan, the collaborator, its data (<see cref="TaskRunnerContext.LoadData{TData}"/>) and logging.</param>
    /// <returns>The runner; the collaborator disposes it.</returns>
    ITaskRunner Create(TaskRunnerContext context);
}
