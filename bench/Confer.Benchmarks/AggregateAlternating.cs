using System.Diagnostics;
using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Benchmarks;

/// <summary>
/// The headline aggregation figure. The machine is shared and noisy, so the accumulator and the
/// baseline are timed alternately in one process and the medians are compared.
/// </summary>
internal static class AggregateAlternating
{
    public static void Run(int rounds)
    {
        var workload = new AggregateWorkload();
        int threads = WeightedMeanAccumulator.DefaultDegreeOfParallelism;
        ReportMemory(workload, threads);

        // Warm up: JIT tiers, page in every buffer.
        for (int i = 0; i < 3; i++)
        {
            workload.Accumulate(1);
            workload.Accumulate(threads);
            workload.Accumulate(threads, allocateResult: true);
            workload.Baseline(1);
            workload.Baseline(threads);
        }

        var samples = new Dictionary<string, List<double>>
        {
            ["accumulator, 1 thread"] = [],
            ["baseline, 1 thread"] = [],
            [$"accumulator, {threads} threads"] = [],
            [$"baseline, {threads} threads"] = [],
            [$"accumulator, {threads} threads, Result() each time"] = [],
        };
        for (int r = 0; r < rounds; r++)
        {
            samples["accumulator, 1 thread"].Add(Time(() => workload.Accumulate(1)));
            samples["baseline, 1 thread"].Add(Time(() => workload.Baseline(1)));
            if (threads > 1)
            {
                samples[$"accumulator, {threads} threads"].Add(Time(() => workload.Accumulate(threads)));
                samples[$"baseline, {threads} threads"].Add(Time(() => workload.Baseline(threads)));
            }

            samples[$"accumulator, {threads} threads, Result() each time"].Add(Time(() => workload.Accumulate(threads, allocateResult: true)));
        }

        foreach ((string name, List<double> seconds) in samples)
        {
            if (seconds.Count > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-50} median {Median(seconds) * 1e3,8:F2} ms  {GigabytesPerSecond(Median(seconds)),6:F2} GB/s  (min {seconds.Min() * 1e3:F2} ms, max {seconds.Max() * 1e3:F2} ms, n={seconds.Count})"));
            }
        }

        // Ours as shipped (default thread count) against the baseline given the same threads.
        double ours = GigabytesPerSecond(Median(samples[Key("accumulator", threads)]));
        double baseline = GigabytesPerSecond(Median(samples[Key("baseline", threads)]));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes credited per operation: {AggregateWorkload.BytesPerOperation / 1e6:F0} MB (10 inputs read + 1 result written); accumulator threads: {threads}; baseline threads: {threads}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregate: {ours:F2} GB/s (baseline {baseline:F2} GB/s, ratio {ours / baseline:F2})"));
    }

    private static string Key(string what, int threads) => threads == 1 ? $"{what}, 1 thread" : $"{what}, {threads} threads";

    private static void ReportMemory(AggregateWorkload workload, int threads)
    {
        double model = AggregateWorkload.ModelBytes;
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var accumulator = new WeightedMeanAccumulator(workload.Updates[0], threads);
        long afterCreate = GC.GetTotalAllocatedBytes(precise: true);
        for (int u = 0; u < AggregateWorkload.UpdateCount; u++)
        {
            accumulator.Fold(workload.Updates[u], 100 + u);
        }

        long afterFolds = GC.GetTotalAllocatedBytes(precise: true);
        ModelState result = accumulator.Result();
        long afterResult = GC.GetTotalAllocatedBytes(precise: true);
        GC.KeepAlive(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model size: {model / 1e6:F0} MB ({AggregateWorkload.ElementCount:N0} float32); updates: {AggregateWorkload.UpdateCount}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accumulator memory: running sums + spare {(afterCreate - before) / model:F3} x model, 10 folds {afterFolds - afterCreate} bytes in total ({(afterFolds - afterCreate) / AggregateWorkload.UpdateCount} per fold), Result() {afterResult - afterFolds} bytes (the spare becomes the result)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accumulator peak managed memory: {(afterResult - before) / model:F3} x model size, result included (limit 3)"));
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static double GigabytesPerSecond(double seconds) => AggregateWorkload.BytesPerOperation / seconds / 1e9;
}
