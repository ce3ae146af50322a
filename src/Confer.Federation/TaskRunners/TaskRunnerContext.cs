using Confer.Plan;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.TaskRunners;

/// <summary>What a task runner is created with on a collaborator.</summary>
/// <param name="Plan">The federation's plan (task runner and data loader settings, collaborator settings).</param>
/// <param name="CollaboratorName">This collaborator's name.</param>
/// <param name="Data">This collaborator's data path or shard from <c>plan/data.yaml</c>, if listed.</param>
/// <param name="LoggerFactory">For the runner's own logs.</param>
public sealed record TaskRunnerContext(FederationPlan Plan, string CollaboratorName, CollaboratorData? Data, ILoggerFactory LoggerFactory);
