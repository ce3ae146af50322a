using System.Globalization;

namespace FederationBench;

// The load run's report: the table per round, memory growth, and the verdict.
internal static partial class LoadRun
{
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
            Console.WriteLine(string.Create(c, $"aggregator RSS per round (MiB, rounds 2..{load.Rows.Count}): {string.Join(" ", rss.Select(v => v.ToString("F0", c)))}"));
            Console.WriteLine(string.Create(c, $"aggregator RSS round 2 -> last: {rss[0]:F1} -> {rss[^1]:F1} MiB ({growth * 100:+0.0;-0.0} %), least-squares slope {slope:+0.00;-0.00} MiB/round; max {rss.Max():F1} MiB"));

            // The first rounds still warm up (thread pool, connection buffers, the GC's budgets): flatness is judged on the second half.
            var half = rss.Skip(rss.Count / 2).ToList();
            var halfGrowth = Slope(half.Select((v, i) => ((double)i, v)).ToList()) * (half.Count - 1) / half.Average();
            Console.WriteLine(string.Create(c, $"aggregator RSS over the second half (rounds {load.Rows.Count - half.Count + 1}..{load.Rows.Count}): least-squares growth {halfGrowth * 100:+0.0;-0.0} % (goal flat, below 10 %: {(halfGrowth <= 0.10 ? "met" : "NOT met")})"));
        }

        if (load.Rows.Count >= 3)
        {
            var (first, last) = (load.Rows[1], load.Rows[^1]);
            Console.WriteLine(string.Create(c, $"of which, round 2 -> last (MiB): anonymous {Mib(first.Memory.Anonymous)} -> {Mib(last.Memory.Anonymous)} (GC committed {Mib(first.CommittedBytes)} -> {Mib(last.CommittedBytes)}, GC live heap {Mib(first.HeapBytes)} -> {Mib(last.HeapBytes)}; native, anonymous minus GC committed, {Mib(first.Memory.Anonymous - first.CommittedBytes)} -> {Mib(last.Memory.Anonymous - last.CommittedBytes)}), file-backed {Mib(first.Memory.File)} -> {Mib(last.Memory.File)}"));
        }

        // Start-up (JIT, connections, first allocations) is not growth: the per-second series is judged from the end of round 2.
        var from = load.Rows.Count > 1 ? load.Rows[1].FinishedAt : 0;
        var steady = load.Samples.Where(s => s.Seconds >= from).Select(s => (s.Seconds, s.Bytes / 1048576.0)).ToList();
        if (steady.Count >= 2)
        {
            Console.WriteLine(string.Create(c, $"aggregator RSS every second after round 2: {steady.Count} samples over {steady[^1].Seconds - steady[0].Seconds:F0} s, first {steady[0].Item2:F1} -> last {steady[^1].Item2:F1} MiB, min {steady.Min(s => s.Item2):F1}, max {steady.Max(s => s.Item2):F1}, least-squares slope {Slope(steady) * 60:+0.00;-0.00} MiB/min"));
        }

        var timed = load.TimedSeconds;
        var baselineMedian = FederationRun.Median(baseline.TimedSeconds);
        var median = FederationRun.Median(timed);
        if (timed.Count > 0)
        {
            Console.WriteLine(string.Create(c, $"round seconds r2..r{load.Rows.Count} (aggregator clock; round 1 excluded: process start-up, TLS handshakes, JIT): min {timed.Min():F3}, median {median:F3}, max {timed.Max():F3}"));
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
}
