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

    private static int Report(LoadSettings settings, Outcome baseline, Outcome load)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{"round",5} {"seconds",8} {"acked",6} {"counted",8} {"lost",5} {"RSS MiB",8} {"anon",6} {"file",6} {"GC heap",8} {"GC held",8} {"native",7}"));
        foreach (var row in load.Rows)
        {
            Console.WriteLine(string.Create(c, $"{row.Round,5} {row.Seconds,8:F3} {row.Acknowledged,6} {(row.Counted < 0 ? "?" : row.Counted.ToString(c)),8} {row.Lost,5} {Mib(row.ResidentBytes),8} {Mib(row.Memory.Anonymous),6} {Mib(row.Memory.File),6} {Mib(row.HeapBytes),8} {Mib(row.CommittedBytes),8} {Mib(row.HeapBytes < 0 ? -1 : row.Memory.Anonymous - row.CommittedBytes),7}"));
        }

        Console.WriteLine("(acked: \"Task train of round R done\" lines of the collaborators, written after the aggregator acknowledged the result; counted: the results the aggregator's \"Round R finished\" line says it aggregated; memory of the aggregator when the round finished, MiB: VmRSS = RssAnon + RssFile (+ shmem), the GC's live heap at its last collection, the memory the GC holds, and native = anon - GC held: what the runtime, TLS and sockets hold outside the GC)");
        Console.WriteLine();

        Console.WriteLine(string.Create(c, $"errors: {load.Problems.Count} (goal none: collaborator exit codes != 0, Warning/Error/Critical log lines of the aggregator and of every collaborator, anything on stderr){(load.Problems.Count == 0 ? string.Empty : "; the first ones:")}"));
        foreach (var problem in load.Problems.Take(8))
        {
            Console.WriteLine($"  {problem}");
        }

        Console.WriteLine(string.Create(c, $"lost results: {load.Lost} (goal none); rounds that counted other than {load.Collaborators} results: {load.ShortRounds} (goal none); {load.Rows.Count} of {settings.Rounds} rounds finished"));

        var rss = load.Rows.Skip(1).Select(r => r.ResidentBytes / 1048576.0).ToList();
        if (rss.Count >= 2)
        {
            var slope = Slope(rss.Select((v, i) => ((double)i, v)).ToList());
            var growth = (rss[^1] - rss[0]) / rss[0];
            Console.WriteLine(string.Create(c, $"aggregator RSS per round (MiB, rounds 1..{load.Rows.Count - 1}): {string.Join(" ", rss.Select(v => v.ToString("F0", c)))}"));
            Console.WriteLine(string.Create(c, $"aggregator RSS round 1 -> last: {rss[0]:F1} -> {rss[^1]:F1} MiB ({growth * 100:+0.0;-0.0} %), least-squares slope {slope:+0.00;-0.00} MiB/round; max {rss.Max():F1} MiB"));

            // The first rounds still warm up (thread pool, connection buffers, the GC's budgets): flatness is judged on the second half.
            var half = rss.Skip(rss.Count / 2).ToList();
            var halfGrowth = Slope(half.Select((v, i) => ((double)i, v)).ToList()) * (half.Count - 1) / half.Average();
            Console.WriteLine(string.Create(c, $"aggregator RSS over the second half (rounds {load.Rows.Count - half.Count}..{load.Rows.Count - 1}): least-squares growth {halfGrowth * 100:+0.0;-0.0} % (goal flat, below 10 %: {(halfGrowth <= 0.10 ? "met" : "NOT met")})"));
        }

        if (load.Rows.Count >= 3)
        {
            var (first, last) = (load.Rows[1], load.Rows[^1]);
            Console.WriteLine(string.Create(c, $"of which, round 1 -> last (MiB): anonymous {Mib(first.Memory.Anonymous)} -> {Mib(last.Memory.Anonymous)} (GC committed {Mib(first.CommittedBytes)} -> {Mib(last.CommittedBytes)}, GC live heap {Mib(first.HeapBytes)} -> {Mib(last.HeapBytes)}; native, anonymous minus GC committed, {Mib(first.Memory.Anonymous - first.CommittedBytes)} -> {Mib(last.Memory.Anonymous - last.CommittedBytes)}), file-backed {Mib(first.Memory.File)} -> {Mib(last.Memory.File)}"));
        }

        // Start-up (JIT, connections, first allocations) is not growth: the per-second series is judged from the end of round 1.
        var from = load.Rows.Count > 1 ? load.Rows[1].FinishedAt : 0;
        var steady = load.Samples.Where(s => s.Seconds >= from).Select(s => (s.Seconds, s.Bytes / 1048576.0)).ToList();
        if (steady.Count >= 2)
        {
            Console.WriteLine(string.Create(c, $"aggregator RSS every second after round 1: {steady.Count} samples over {steady[^1].Seconds - steady[0].Seconds:F0} s, first {steady[0].Item2:F1} -> last {steady[^1].Item2:F1} MiB, min {steady.Min(s => s.Item2):F1}, max {steady.Max(s => s.Item2):F1}, least-squares slope {Slope(steady) * 60:+0.00;-0.00} MiB/min"));
        }

        var timed = load.TimedSeconds;
        var baselineMedian = FederationRun.Median(baseline.TimedSeconds);
        var median = FederationRun.Median(timed);
        if (timed.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"round seconds r1..r{load.Rows.Count - 1} (aggregator clock; round 0 excluded: process start-up, TLS handshakes, JIT): min {timed.Min():F3}, median {median:F3}, max {timed.Max():F3}"));
        }

        Console.WriteLine(string.Create(c, $"baseline, {baseline.Collaborators} collaborators in one process: median {baselineMedian:F3} s/round, {baseline.Problems.Count} errors, {baseline.Lost} lost results; ratio load/baseline {median / baselineMedian:F2} for {(double)load.Collaborators / baseline.Collaborators:F0}x the collaborators"));
        Console.WriteLine(string.Create(c, $"{settings.Name}: {median:F3} s/round (baseline {baselineMedian:F3} s/round, ratio {median / baselineMedian:F2})"));
        return load.Clean && baseline.Clean ? 0 : 1;
    }

    private static string Mib(long bytes) => bytes < 0 ? "?" : (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The least-squares slope of y over x.</summary>
    private static double Slope(List<(double X, double Y)> points)
    {
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
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

