namespace Confer.Plan;

/// <summary>The kinds of plan components chosen by name from a <see cref="PlanTypeRegistry"/>.</summary>
public enum PlanComponentKind
{
    /// <summary>The collaborator's task runner (<c>task_runner.template</c>); registered by the workspace.</summary>
    TaskRunner,

    /// <summary>The collaborator's data loader (<c>data_loader.template</c>); registered by the workspace.</summary>
    DataLoader,

    /// <summary>The aggregator's task assigner (<c>assigner.template</c>); built in.</summary>
    Assigner,

    /// <summary>The aggregator's strategy (<c>strategy.template</c>); registered by Confer.Federation's strategy registry, and by a host with its own.</summary>
    Strategy,

    /// <summary>The aggregator's straggler policy (<c>straggler_handling_policy.template</c>); built in.</summary>
    StragglerPolicy,
}
