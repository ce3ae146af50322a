namespace Confer.Torch;

/// <summary>The native torch runtime cannot be configured as Confer needs (a library or symbol is missing).</summary>
public class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TorchRuntimeException()
        : base("The torch runtime cannot be configured.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public TorchRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public TorchRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
