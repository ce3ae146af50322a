using System.Diagnostics.CodeAnalysis;
using Confer.Cli.Commands.Lifecycle;
using Confer.Federation.Grpc.Hosting;
using Confer.Federation.TaskRunners;
using Confer.Federation.Torch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    /// <summary>
    /// A Generic Host with the console logging above and nothing else (no configuration files, no
    /// environment-driven settings): Ctrl-C and SIGTERM stop it gracefully, silently.
    /// </summary>
    public static HostApplicationBuilder CreateHostBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        Configure(builder.Logging);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        return builder;
    }

    /// <summary>Runs a host whose hosted service sets <see cref="FederationOutcome"/>, and returns its exit code.</summary>
    public static async Task<int> RunAsync(HostApplicationBuilder builder, CancellationToken cancellationToken)
    {
        using var host = builder.Build();
        var outcome = host.Services.GetRequiredService<FederationOutcome>();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return outcome.ExitCodeOrStopped;
    }

    public static TaskRunnerCatalog CreateCatalog() => TaskRunnerCatalog.CreateDefault().AddTorch();

    /// <summary>The workspace's plan types, its code built or taken from the cache; a build that fails is printed as an error.</summary>
    public static bool TryLoadPlanTypes(string directory, [NotNullWhen(true)] out LifecyclePlanTypes? types)
    {
        try
        {
            // The aggregator and collaborator hosts log the plan's warnings themselves.
            types = LifecyclePlanTypes.ForWorkspace(directory, warn: _ => { });
            return true;
        }
        catch (LifecycleException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            types = null;
            return false;
        }
    }
}
