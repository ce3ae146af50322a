using Confer.Core;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>A task runner the plan may name in <c>task_runner.template</c>: its settings and task functions, and how to create it.</summary>
public sealed record TaskRunnerRegistration
{
    /// <summary>The name in the plan, e.g. <c>echo</c> or <c>torch_cnn</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The settings <c>task_runner.settings</c> may hold.</summary>
    public required SettingsSchema Settings { get; init; }

    /// <summary>The task functions it implements, each with the schema of its <c>kwargs</c>.</summary>
    public required IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; init; }

    /// <summary>Creates the runner on a collaborator.</summary>
    public required Func<TaskRunnerContext, ITaskRunner> Create { get; init; }

    /// <summary>Creates the initial global model from the task runner settings and a seed (<c>plan initialize</c>).</summary>
    public required Func<PlanSettings, int, ModelState> CreateInitialModel { get; init; }

    /// <summary>
    /// Creates the initial global model from the whole plan and a seed, for a runner whose model
    /// depends on more than its own settings (e.g. optimizer state under <c>CONTINUE_GLOBAL</c>);
    /// <see langword="null"/> (the default) to use <see cref="CreateInitialModel"/>.
    /// </summary>
    public Func<FederationPlan, int, ModelState>? CreatePlanInitialModel { get; init; }

    /// <summary>The config keys from the strategy its task functions apply, e.g. <c>proximal_mu</c> for a runner that adds FedProx's proximal term; default none (a plan whose strategy sends one is then refused).</summary>
    public System.Collections.Immutable.ImmutableArray<string> ClientSettings { get; init; } = [];

    /// <summary>One line of documentation.</summary>
    public string Description { get; init; } = string.Empty;
}
