namespace Confer.Plan;

/// <summary>Which model a validation task runs on (a task's <c>kwargs.apply</c>).</summary>
public enum TaskApply
{
    /// <summary><c>global</c>: the aggregated model received this round.</summary>
    Global,

    /// <summary><c>local</c>: the model after this collaborator's training this round.</summary>
    Local,
}
