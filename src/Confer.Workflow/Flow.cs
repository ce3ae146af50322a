using System.Reflection;
using Confer.Workflow.Internal;

namespace Confer.Workflow;

/// <summary>
/// A flow: OpenFL's FLSpec in C#. Steps are methods marked <see cref="AggregatorAttribute">[Aggregator]</see>
/// or <see cref="CollaboratorAttribute">[Collaborator]</see>; every flow has <c>Start</c> and <c>End</c>
/// on the aggregator, and every step but <c>End</c> ends with one call to <c>Next</c>. The flow's
/// settable properties are its state; properties marked <see cref="PrivateAttribute">[Private]</see>
/// are the participant's private attributes. Derive from <see cref="Flow{TSelf}"/> to write joins.
/// </summary>
public abstract class Flow
{
    /// <summary>Initializes a flow.</summary>
    protected Flow()
    {
    }

    /// <summary>Where the flow runs (OpenFL's <c>self.runtime</c>); set it before <see cref="RunAsync"/>.</summary>
    public FlowRuntime? Runtime { get; set; }

    /// <summary>
    /// Whether the run records every task (step, participant, times, carried attributes, stdout and
    /// stderr) in the run store. Default <see langword="false"/>: only the run and its egress record are kept.
    /// </summary>
    public bool Checkpoint { get; set; }

    /// <summary>In a collaborator step, and on each input of a join, the collaborator name the foreach gave (OpenFL's <c>self.input</c>); otherwise <see langword="null"/>.</summary>
    public string? Input { get; internal set; }

    /// <summary>The task currently running on this instance; set by the runtime only.</summary>
    internal TaskScope? Scope { get; set; }

    /// <summary>Runs the flow on <see cref="Runtime"/> from <c>Start</c> to <c>End</c>.</summary>
    /// <param name="cancellationToken">Stops the run between tasks.</param>
    /// <returns>The run's identity and egress record.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Runtime"/> is not set.</exception>
    public Task<FlowRunResult> RunAsync(CancellationToken cancellationToken = default) =>
        Runtime is null
            ? throw new InvalidOperationException($"{GetType().Name}.Runtime is not set; assign a LocalRuntime before RunAsync.")
            : Runtime.RunAsync(this, cancellationToken);

    /// <summary>
    /// Ends the current step by naming the next one (OpenFL's <c>self.next</c>).
    /// </summary>
    /// <param name="step">The next step, as a method group of this flow (e.g. <c>Next(Train)</c>).</param>
    /// <param name="foreach">
    /// From an aggregator step to a collaborator step: the name of the property holding the collaborator
    /// names to fan out to (e.g. <c>nameof(Collaborators)</c>). Each collaborator gets its own copy of the state.
    /// </param>
    /// <param name="include">Only these attributes are carried forward. Cannot be combined with <paramref name="exclude"/>.</param>
    /// <param name="exclude">Every attribute except these is carried forward. Default: everything is carried.</param>
    protected void Next(Action step, string? @foreach = null, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        RecordNext(step.Method, step.Target, @foreach, include, exclude);
    }

    /// <summary>Records the transition the current step asked for; the runtime acts on it when the step returns.</summary>
    private protected void RecordNext(MethodInfo method, object? target, string? @foreach, IEnumerable<string>? include, IEnumerable<string>? exclude)
    {
        TaskScope scope = Scope ?? throw new FlowException(
            $"Next({method.Name}) was called outside a running step; Next can only be called by a step while the flow runs (flow.RunAsync).");
        if (!ReferenceEquals(target, this))
        {
            throw new FlowException(
                $"Step '{scope.Step.Name}' calls Next with '{method.Name}', which is not a step of this flow instance; pass a step as a method group, e.g. Next(Train).")
            {
                Step = scope.Step.Name,
                Participant = scope.Participant.Name,
            };
        }

        if (scope.Next is not null)
        {
            throw new FlowException(
                $"Step '{scope.Step.Name}' called Next twice (first Next({scope.Next.Method.Name}), then Next({method.Name})); a step ends with exactly one Next, so choose one with if/else.")
            {
                Step = scope.Step.Name,
                Participant = scope.Participant.Name,
            };
        }

        scope.Next = new PendingNext(method, @foreach, include?.ToArray(), exclude?.ToArray());
    }
}
