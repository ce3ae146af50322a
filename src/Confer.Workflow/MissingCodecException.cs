namespace Confer.Workflow;

/// <summary>A <c>Next</c> would carry an attribute whose type has no registered codec.</summary>
public class MissingCodecException : FlowException
{
    /// <summary>Creates the exception.</summary>
    public MissingCodecException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MissingCodecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MissingCodecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The attribute (property) that has no codec.</summary>
    public string? Attribute { get; init; }

    /// <summary>The attribute's declared type.</summary>
    public Type? AttributeType { get; init; }
}
