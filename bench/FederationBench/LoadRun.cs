using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FederationBench;

/// <summary>
/// The load benchmark: many collaborators, hosted several to a process (<see cref="CollaboratorsProcess"/>),
/// against one aggregator process, for many rounds of a small model; first the same federation with
/// fewer collaborators in one process as the baseline. Counts errors and lost results, samples the
/// aggregator's resident memory every second and at the end of every round, and kills every process
/// when the global timeout passes.
/// </summary>
internal static partial class LoadRun
{
    /// <summary>A log line the benchmark counts as a problem: its level is Warning or worse.</summary>
    private static readonly string[] ProblemLevels = ["Warning", "Error", "Critical"];

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        var c = CultureInfo.InvariantCulture;
        using var deadline = new CancellationTokenSource(settings.Timeout);
        Console.WriteLine(string.Create(c, $"{settings.Name}: one aggregator process; {settings.Collaborators} collaborators as tasks in {settings.Processes} processes (each collaborator its own workspace, key, certificate and TLS connection), mutual TLS 1.3 on 127.0.0.1, echo task runner (task train, FedAvg), {settings.ModelSize:N0} float32 values, {settings.Rounds} rounds; global timeout {settings.Timeout.TotalSeconds:F0} s"));
        Console.WriteLine(string.Create(c, $"baseline: the same federation with {settings.BaselineCollaborators} collaborators in one process, run first in this invocation"));
        Console.WriteLine(string.Create(c, $"load average before: {LoadAverage()}"));
        Outcome baseline;
        Outcome load;
        try
        {
            baseline = await RunFederationAsync("baseline", settings.BaselineCollaborators, 1, settings, deadline.Token).ConfigureAwait(false);
            Console.WriteLine(string.Create(c, $"baseline done: median {FederationRun.Median(baseline.TimedSeconds):F3} s/round, {baseline.Problems.Count} problem lines, {baseline.Lost} lost results"));
            load = await RunFederationAsync("load", settings.Collaborators, settings.Processes, settings, deadline.Token).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Console.WriteLine(ex.Message);
            Console.WriteLine(string.Create(c, $"{settings.Name}: FAILED (global timeout of {settings.Timeout.TotalSeconds:F0} s; every process was killed)"));
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine(ex.Message);
            Console.WriteLine($"{settings.Name}: FAILED (a federation did not start)");
            return 1;
        }

        Console.WriteLine(string.Create(c, $"load average after: {LoadAverage()}"));
        return Report(settings, baseline, load);
    }

    private static async Task<Outcome> RunFederationAsync(string label, int count, int processCount, LoadSettings settings, CancellationToken timeout)
    {
        var root = Directory.CreateTempSubdirectory($"confer-federation-{label}-").FullName;
        var keep = settings.Keep;
        try
        {
            var names = Enumerable.Range(1, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"col{i:D2}")).ToList();
            var port = FederationRun.FreePort();
            var (aggregatorWorkspace, _) = FederationRun.Setup(root, names, port, new BenchSettings(settings.Name, settings.ModelSize, 0, settings.Rounds, count, settings.Keep));
            var logs = Directory.CreateDirectory(Path.Combine(root, "logs")).FullName;
            var self = typeof(LoadRun).Assembly.Location;
            var stderr = new ConcurrentQueue<string>();
            var exits = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var rounds = new List<Round>();
            var samples = new List<(double Seconds, long Bytes)>();
            var clock = Stopwatch.StartNew();
            var processes = new List<Process>();
            try
            {
                var aggregator = Start(self, ["aggregator", aggregatorWorkspace, port.ToString(CultureInfo.InvariantCulture), Path.Combine(logs, "aggregator.log")], "aggregator", stderr, null);
                processes.Add(aggregator);
                var line = await aggregator.StandardOutput.ReadLineAsync(timeout).ConfigureAwait(false);
                if (line != "listening")
                {
                    keep = true;
                    throw new InvalidOperationException($"{label}: the aggregator did not start: {line}; see {logs}/aggregator.log");
                }

                var per = (count + processCount - 1) / processCount;
                for (var p = 0; p < processCount; p++)
                {
                    string[] group = [.. names.Skip(p * per).Take(per)];
                    processes.Add(Start(self, ["collaborators", root, logs, .. group], $"collaborators-{p + 1}", stderr, exits));
                }

                using var sampling = CancellationTokenSource.CreateLinkedTokenSource(timeout);
                var sampler = SampleAsync(aggregator.Id, clock, samples, sampling.Token);
                while ((line = await aggregator.StandardOutput.ReadLineAsync(timeout).ConfigureAwait(false)) is not null)
                {
                    var parts = line.Split(' ');
                    if (parts[0] == "round" && parts.Length >= 3)
                    {
                        var heap = parts.Length >= 6 ? long.Parse(parts[4], CultureInfo.InvariantCulture) : -1;
                        var committed = parts.Length >= 6 ? long.Parse(parts[5], CultureInfo.InvariantCulture) : -1;
                        rounds.Add(new Round(double.Parse(parts[2], CultureInfo.InvariantCulture), Memory(aggregator.Id), heap, committed, clock.Elapsed.TotalSeconds));
                    }
                }

                foreach (var process in processes)
                {
                    await process.WaitForExitAsync(timeout).ConfigureAwait(false);
                }

                await sampling.CancelAsync().ConfigureAwait(false);
                await sampler.ConfigureAwait(false);
                var outcome = Collect(label, names, logs, processes, exits, stderr, rounds, samples);
                keep |= !outcome.Clean;
                if (keep)
                {
                    Console.WriteLine($"{label}: logs kept in {logs}");
                }

                return outcome;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                foreach (var process in processes)
                {
                    Kill(process);
                }

                keep = true;
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{label}: the global timeout passed after {clock.Elapsed.TotalSeconds:F0} s with {rounds.Count} of {settings.Rounds} rounds finished; killed the aggregator and {processes.Count - 1} collaborator processes; logs kept in {logs}"));
            }
            finally
            {
                foreach (var process in processes)
                {
                    Kill(process);
                    process.Dispose();
                }
            }
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static Process Start(string self, string[] arguments, string label, ConcurrentQueue<string> stderr, ConcurrentDictionary<string, int>? exits)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(self);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                stderr.Enqueue($"{label} (stderr): {e.Data}");
            }
        };
        if (exits is not null)
        {
            process.OutputDataReceived += (_, e) =>
            {
                var parts = e.Data?.Split(' ');
                if (parts is ["exit", var name, var code])
                {
                    exits[name] = int.Parse(code, CultureInfo.InvariantCulture);
                }
            };
        }

        process.Start();
        process.BeginErrorReadLine();
        if (exits is not null)
        {
            process.BeginOutputReadLine();
        }

        return process;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>The aggregator's VmRSS once a second until it exits or the run is over.</summary>
    private static async Task SampleAsync(int pid, Stopwatch clock, List<(double Seconds, long Bytes)> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var bytes = ResidentBytes(pid);
                if (bytes < 0)
                {
                    return;
                }

                lock (samples)
                {
                    samples.Add((clock.Elapsed.TotalSeconds, bytes));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>VmRSS of a process in bytes, or −1 when it is gone.</summary>
    private static long ResidentBytes(int pid) => Memory(pid).Total;

    /// <summary>VmRSS, RssAnon and RssFile of a process in bytes; −1 when it is gone.</summary>
    private static Resident Memory(int pid)
    {
        long total = -1, anonymous = -1, file = -1;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                switch (line[..colon])
                {
                    case "VmRSS":
                        total = Kib(line[(colon + 1)..]);
                        break;
                    case "RssAnon":
                        anonymous = Kib(line[(colon + 1)..]);
                        break;
                    case "RssFile":
                        file = Kib(line[(colon + 1)..]);
                        break;
                }
            }
        }
        catch (IOException)
        {
            return new Resident(-1, -1, -1);
        }
        catch (UnauthorizedAccessException)
        {
            return new Resident(-1, -1, -1);
        }

        return new Resident(total, anonymous, file);

        static long Kib(string value) => long.Parse(value.Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static Outcome Collect(
        string label,
        List<string> names,
        string logs,
        List<Process> processes,
        ConcurrentDictionary<string, int> exits,
        ConcurrentQueue<string> stderr,
        List<Round> rounds,
        List<(double Seconds, long Bytes)> samples)
    {
        var problems = new List<string>();
        if (processes[0].ExitCode != 0)
        {
            problems.Add($"{label}: the aggregator exited with {processes[0].ExitCode}");
        }

        foreach (var name in names)
        {
            if (!exits.TryGetValue(name, out var code))
            {
                problems.Add($"{label}: collaborator {name} reported no exit code (its process died)");
            }
            else if (code != 0)
            {
                problems.Add($"{label}: collaborator {name} exited with {code}");
            }
        }

        problems.AddRange(stderr);

        // Results each collaborator was told were taken (its "Task train of round R done" line comes after the acknowledgement) and results the aggregator counted.
        var acknowledged = new Dictionary<int, int>();
        foreach (var name in names)
        {
            foreach (var line in File.ReadLines(Path.Combine(logs, name + ".log")))
            {
                AddProblem(problems, name, line);
                if (DoneLine().Match(line) is { Success: true } done)
                {
                    var round = int.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture);
                    acknowledged[round] = acknowledged.GetValueOrDefault(round) + 1;
                }
            }
        }

        var counted = new Dictionary<int, int>();
        foreach (var line in File.ReadLines(Path.Combine(logs, "aggregator.log")))
        {
            AddProblem(problems, "aggregator", line);
            if (FinishedLine().Match(line) is { Success: true } finished)
            {
                counted[int.Parse(finished.Groups[1].Value, CultureInfo.InvariantCulture)] = int.Parse(finished.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        var rows = rounds.Select((r, i) => new Row(i, r.Seconds, acknowledged.GetValueOrDefault(i), counted.TryGetValue(i, out var k) ? k : -1, r.Memory.Total, r.FinishedAt, r.Memory, r.HeapBytes, r.CommittedBytes)).ToList();
        var lost = rows.Sum(r => r.Lost);
        List<(double Seconds, long Bytes)> series;
        lock (samples)
        {
            series = [.. samples];
        }

        return new Outcome(names.Count, rows, problems, lost, series);
    }

    private static void AddProblem(List<string> problems, string source, string line)
    {
        // TimestampLoggerProvider's format: "<ms> ms <Level> <category>[<id>] <message>".
        var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 3 && parts[1] == "ms" && ProblemLevels.Contains(parts[2]))
        {
            problems.Add($"{source}: {line.Trim()}");
        }
    }

    [GeneratedRegex(@"Task train of round (\d+) done", RegexOptions.CultureInvariant)]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"Round (\d+) finished in \S+ s \((\d+) results", RegexOptions.CultureInvariant)]
    private static partial Regex FinishedLine();

    private sealed record Round(double Seconds, Resident Memory, long HeapBytes, long CommittedBytes, double FinishedAt);

    /// <summary>VmRSS and its anonymous and file-backed parts, in bytes.</summary>
    private sealed record Resident(long Total, long Anonymous, long File);

    private sealed record Row(int Round, double Seconds, int Acknowledged, int Counted, long ResidentBytes, double FinishedAt, Resident Memory, long HeapBytes, long CommittedBytes)
    {
        /// <summary>Results acknowledged but not counted (all of them when the round's line could not be read).</summary>
        public int Lost => Math.Max(0, Acknowledged - Math.Max(0, Counted));
    }

    private sealed record Outcome(int Collaborators, List<Row> Rows, List<string> Problems, int Lost, List<(double Seconds, long Bytes)> Samples)
    {
        public List<double> TimedSeconds => [.. Rows.Skip(1).Select(r => r.Seconds)];

        public int ShortRounds => Rows.Count(r => r.Counted != Collaborators);

        public bool Clean => Problems.Count == 0 && Lost == 0 && ShortRounds == 0;
    }
}

