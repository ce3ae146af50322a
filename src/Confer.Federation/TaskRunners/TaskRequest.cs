using Confer.Core;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>One task for a <see cref="ITaskRunner"/>.</summary>
/// <param name="Task">The task as the plan defines it: its name, function, <c>apply</c>, metrics and kwargs.</param>
/// <param name="Round">The round, counted from 1.</param>
/// <param name="GlobalModel">The round's global model; never modified by the collaborator's code.</param>
public sealed record TaskRequest(TaskPlan Task, int Round, ModelState GlobalModel)
{
    /// <summary>The settings the strategy sends with the task, which the runner must apply (FedProx's <c>proximal_mu</c>); empty by default.</summary>
    public ConfigRecord Config { get; init; } = ConfigRecord.Empty;
}
