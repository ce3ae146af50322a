using Confer.Federation.Messages;

namespace Confer.Federation;

/// <summary>
/// One client's failed task, as a value: the round goes on and the strategy decides what a
/// failure means (Flower's <c>failures</c> list).
/// </summary>
/// <param name="ClientId">The client.</param>
/// <param name="Reason">What went wrong.</param>
/// <param name="Message">What went wrong, in words, with the offending value where there is one.</param>
public sealed record ClientFailure(string ClientId, ReasonCode Reason, string Message)
{
    /// <summary>The kind of the task that failed (<c>train</c>, <c>evaluate</c>, a plan's task name); empty when not known.</summary>
    public string TaskKind { get; init; } = "";

    /// <summary>The exception behind the failure, when there is one; not part of the history file.</summary>
    public Exception? Exception { get; init; }
}
