using System.Diagnostics;
using System.Globalization;
using Confer.Federation.Grpc;
using Microsoft.Extensions.Logging;

namespace FederationBench;

/// <summary>
/// One process hosting several collaborators at once, as a site running many nodes would: each is
/// its own <see cref="CollaboratorHost.RunAsync"/> with its own workspace, key, certificate,
/// channel (so its own TLS connection) and log file. Prints <c>exit NAME CODE</c> for each.
/// </summary>
internal static class CollaboratorsProcess
{
    public static async Task<int> RunAsync(string root, string logs, IReadOnlyList<string> names)
    {
        var clock = Stopwatch.StartNew();
        var runs = names.Select(name => Task.Run(() => RunOneAsync(root, logs, name, clock))).ToList();
        var codes = await Task.WhenAll(runs).ConfigureAwait(false);
        for (var i = 0; i < names.Count; i++)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exit {names[i]} {codes[i]}"));
        }

        Console.Out.Flush();
        return codes.All(c => c == 0) ? 0 : 1;
    }

    private static async Task<int> RunOneAsync(string root, string logs, string name, Stopwatch clock)
    {
        var writer = new StreamWriter(Path.Combine(logs, name + ".log")) { AutoFlush = true };
        await using (writer.ConfigureAwait(false))
        {
            using var provider = new TimestampLoggerProvider(writer, clock, _ => { });
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
            try
            {
                return await CollaboratorHost.RunAsync(new CollaboratorOptions
                {
                    WorkspaceDirectory = Path.Combine(root, name),
                    Name = name,
                    LoggerFactory = loggerFactory,
                }).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One collaborator's crash is a figure of the benchmark, not the end of the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lock (provider)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMilliseconds,10:F1} ms {"Critical",-11} FederationBench[0] collaborator {name} crashed: {ex}"));
                }

                return 1;
            }
        }
    }
}
