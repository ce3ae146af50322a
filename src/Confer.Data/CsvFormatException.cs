namespace Confer.Data;

/// <summary>A CSV table is malformed: a missing or duplicate column, a ragged row or a value that is not a number.</summary>
public class CsvFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public CsvFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, where, and what to do.</param>
    public CsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong, where, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
