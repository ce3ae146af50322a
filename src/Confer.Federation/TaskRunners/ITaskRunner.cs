namespace Confer.Federation.TaskRunners;

/// <summary>
/// User code on a collaborator that implements the plan's task functions (OpenFL's TaskRunner):
/// <c>validate_task</c> and <c>train_task</c> for the classic tasks, and any user-named functions.
/// One instance lives for the whole federation on one collaborator, so it may keep local state
/// (the locally tuned model, the optimizer) from one task or round to the next.
/// </summary>
public interface ITaskRunner : IDisposable
{
    /// <summary>Runs one task of a round.</summary>
    /// <param name="request">The task, its function and settings, the round and the global model.</param>
    /// <param name="cancellationToken">Cancels the task.</param>
    /// <returns>Metrics, the example count and, for a training task, the model.</returns>
    ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default);
}
