using Confer.Core;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// Runs a plan's tasks behind the grid with the collaborator's <see cref="ITaskRunner"/> (OpenFL's
/// collaborator): a task message's kind names the plan's task, its arrays are the round's global
/// model and its config the strategy's settings; the reply carries the runner's model, metrics
/// and example count. The runner lives as long as the handler, so it may keep what one task
/// leaves for the next (the locally trained model a local validation reads).
/// </summary>
public sealed class TaskRunnerMessageHandler : IMessageHandler, IDisposable
{
    private readonly FederationPlan _plan;
    private readonly ITaskRunner _runner;

    /// <summary>Creates the handler.</summary>
    /// <param name="plan">The federation's plan: the tasks the messages name.</param>
    /// <param name="runner">The collaborator's task runner; disposed with this handler.</param>
    public TaskRunnerMessageHandler(FederationPlan plan, ITaskRunner runner)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(runner);
        _plan = plan;
        _runner = runner;
    }

    /// <inheritdoc/>
    public async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_plan.Tasks.TryGetValue(message.Kind, out TaskPlan? task))
        {
            return message.CreateErrorReply(ReasonCode.UnknownKind, $"The plan has no task '{message.Kind}'; its tasks are {string.Join(", ", _plan.Tasks.Keys)}.");
        }

        ModelState global = message.Arrays?.ToModelState()
            ?? throw new InvalidOperationException($"The task {task.Name} of round {message.Round} carries no global model.");
        TaskResult result = await _runner.RunAsync(new TaskRequest(task, message.Round, global) { Config = message.Config }, cancellationToken).ConfigureAwait(false);
        return message.CreateReply(result.Model is null ? null : ArrayRecord.From(result.Model), new MetricRecord(result.Metrics), result.ExampleCount);
    }

    /// <inheritdoc/>
    public void Dispose() => _runner.Dispose();
}
