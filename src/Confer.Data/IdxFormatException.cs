namespace Confer.Data;

/// <summary>An IDX file is malformed: wrong magic number, unsupported element type, bad dimensions, a payload that does not match its dimensions, or files that do not belong together.</summary>
public class IdxFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public IdxFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, where, and what to do.</param>
    public IdxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong, where, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public IdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
