namespace Confer.Core;

/// <summary>Two model states differ in tensor names, order, shapes or element types.</summary>
public class IncompatibleModelStateException : ModelStateException
{
    /// <summary>Creates the exception.</summary>
    public IncompatibleModelStateException()
    {
    }

    /// <summary>Creates the exception with a message naming the first mismatch.</summary>
    /// <param name="message">The first mismatch.</param>
    public IncompatibleModelStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The first mismatch.</param>
    /// <param name="innerException">The cause.</param>
    public IncompatibleModelStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
