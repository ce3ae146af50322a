using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Hosting.Internal;

/// <summary>Sends the log lines of the aggregator's own web host to the enclosing host's logging, so one configuration (providers, format, filters) covers both.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The enclosing host owns the factory.
    }
}
