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

    /// <summary>The aggregator's strategy, i.e. its aggregation (<c>strategy.template</c>); built in.</summary>
    Strategy,

    /// <summary>The aggregator's straggler policy (<c>straggler_handling_policy.template</c>); built in.</summary>
    StragglerPolicy,

    /// <summary>One stage of the compression pipeline (<c>compression_pipeline.stages[].template</c>); registered by the host.</summary>
    CompressionStage,
}
