namespace Confer.Federation;

/// <summary>Fewer clients are available than the strategy needs; thrown before round 1, so no work is lost.</summary>
public class NotEnoughClientsException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NotEnoughClientsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public NotEnoughClientsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public NotEnoughClientsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
