using System.Diagnostics;
using System.Globalization;
using System.Net;
using Confer.Federation.Grpc;
using Microsoft.Extensions.Logging;

namespace FederationBench;

/// <summary>
/// The aggregator's own process, so that its peak RSS is the aggregator's alone: hosts
/// <see cref="AggregatorHost"/> with wire counting on, writes its log with elapsed-time stamps, and
/// reports each round's duration and the wire byte count at the moment the round finished.
/// </summary>
internal static class AggregatorProcess
{
    public static async Task<int> RunAsync(string workspace, int port, string logPath)
    {
        var log = new StreamWriter(logPath) { AutoFlush = false };
        await using (log.ConfigureAwait(false))
        {
            var clock = Stopwatch.StartNew();
            AggregatorHost? host = null;
            var provider = new TimestampLoggerProvider(log, clock, eventId =>
            {
                // Event 1009 is the round controller's "Round R finished": the wire count then closes the round.
                if (eventId == 1009 && Volatile.Read(ref host) is { } h)
                {
                    var (read, written) = h.WireBytes;
                    var seconds = h.RoundSeconds;
                    // The managed heap (live objects at the last collection) and the memory the GC holds, for telling heap growth from native growth in RSS.
                    var gc = GC.GetGCMemoryInfo();
                    // And the process's CPU time and gen-2 collections so far, for the CPU a round costs the aggregator.
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {seconds.Count - 1} {seconds[^1]:R} {read + written} {gc.HeapSizeBytes - gc.FragmentedBytes} {gc.TotalCommittedBytes} {cpu:R} {GC.CollectionCount(2)}"));
                    Console.Out.Flush();
                }
            });
            var options = new AggregatorOptions
            {
                WorkspaceDirectory = workspace,
                Fqdn = "localhost",
                ListenAddress = IPAddress.Loopback,
                Port = port,
                CountWireBytes = true,
                ConfigureLogging = logging =>
                {
                    logging.AddProvider(provider);
                    logging.SetMinimumLevel(LogLevel.Debug);
                },
            };
            var started = await AggregatorHost.StartAsync(options).ConfigureAwait(false);
            await using (started.ConfigureAwait(false))
            {
                Volatile.Write(ref host, started);
                Console.Out.WriteLine("listening");
                Console.Out.Flush();
                await started.Completion.ConfigureAwait(false);
                var (read, written) = started.WireBytes;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wire-total {read + written}"));
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak-rss {PeakRssBytes()}"));
            Console.Out.Flush();
            lock (provider)
            {
                log.Flush();
            }
        }

        return 0;
    }

    /// <summary>VmHWM: the largest resident set this process has had.</summary>
    private static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
