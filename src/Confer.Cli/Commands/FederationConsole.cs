using Confer.Federation.Grpc;
using Confer.Federation.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Confer.Cli.Commands;

/// <summary>What <c>aggregator start</c> and <c>collaborator start</c> share: one-line timestamped console logs and the task runners Confer ships.</summary>
internal static class FederationConsole
{
    public static void Configure(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.SetMinimumLevel(LogLevel.Information);
    }

    public static ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(Configure);

    public static TaskRunnerCatalog CreateCatalog() => TaskRunnerCatalog.CreateDefault().AddTorch();
}
