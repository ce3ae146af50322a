namespace Confer.Cli.Commands.Lifecycle;

/// <summary>A lifecycle command refused its input; the message says what was wrong and what to do.</summary>
internal sealed class LifecycleException : Exception
{
    public LifecycleException()
    {
    }

    public LifecycleException(string message)
        : base(message)
    {
    }

    public LifecycleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LifecycleException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = ExitCodes.Failed;
}
