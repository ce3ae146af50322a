namespace Confer.Workflow;

/// <summary>How a <see cref="LocalRuntime"/> executes collaborator tasks.</summary>
public enum LocalRuntimeBackend
{
    /// <summary>One task at a time, collaborators in foreach order (OpenFL's <c>single_process</c>).</summary>
    Sequential,

    /// <summary>Collaborators of a foreach concurrently, bounded by <see cref="LocalRuntimeOptions.MaxParallelism"/> and the steps' resource hints (OpenFL's <c>ray</c>).</summary>
    Parallel,
}
