namespace Confer.Pki;

/// <summary>A PKI operation was refused. The message names the problem and what to do; nothing was changed on disk.</summary>
public class PkiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PkiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public PkiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public PkiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with an error code and a message.</summary>
    /// <param name="error">Why the operation was refused.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PkiException(PkiError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why the operation was refused; <see cref="PkiError.CaInvalid"/> when not given.</summary>
    public PkiError Error { get; } = PkiError.CaInvalid;
}
