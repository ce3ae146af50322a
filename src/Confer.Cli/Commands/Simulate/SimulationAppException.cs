namespace Confer.Cli.Commands.Simulate;

/// <summary>The assembly given to <c>--app</c> cannot be used; the message says why and what to do.</summary>
internal sealed class SimulationAppException : Exception
{
    public SimulationAppException()
    {
    }

    public SimulationAppException(string message)
        : base(message)
    {
    }

    public SimulationAppException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
