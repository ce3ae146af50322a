namespace Confer.Workflow;

/// <summary>A flow cannot run as written: a bad <c>Next</c>, a value without a codec, a failing step.</summary>
public class FlowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, naming the step, and what to do.</param>
    public FlowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong, naming the step, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public FlowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The step the error is about, when there is one.</summary>
    public string? Step { get; init; }

    /// <summary>The participant the error happened on, when there is one.</summary>
    public string? Participant { get; init; }
}
