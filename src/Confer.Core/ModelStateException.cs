namespace Confer.Core;

/// <summary>A model state is malformed or cannot be read (duplicate names, bad file, bad encoding).</summary>
public class ModelStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelStateException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public ModelStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ModelStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
