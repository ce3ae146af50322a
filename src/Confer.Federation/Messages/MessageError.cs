namespace Confer.Federation.Messages;

/// <summary>Why a reply carries no result: a reason code for code, a text for people.</summary>
/// <param name="Reason">The reason code.</param>
/// <param name="Text">What went wrong, with the offending value where there is one, and what to do.</param>
public sealed record MessageError(ReasonCode Reason, string Text)
{
    /// <summary>The exception behind the error, when it happened in this process; never sent over the network.</summary>
    public Exception? Exception { get; init; }
}
