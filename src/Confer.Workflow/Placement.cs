namespace Confer.Workflow;

/// <summary>The kind of participant a step runs on.</summary>
public enum Placement
{
    /// <summary>The aggregator: the trusted central node.</summary>
    Aggregator,

    /// <summary>Each collaborator of a foreach, with its own copy of the state.</summary>
    Collaborator,
}
