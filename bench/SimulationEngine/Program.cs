using System.Diagnostics;
using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation;
using Confer.Federation.Strategies;
using SimulationEngine;

// Modes:
//   time [repetitions]   alternate engine and hand-written loop; print median ms per round of each
//   memory CLIENTS       run the engine once with that many virtual clients; print peak memory
const int Rounds = 20;
const double FractionFit = 0.1;
string mode = args.Length > 0 ? args[0] : "time";
ModelState initial = Model();

if (mode == "memory")
{
    int clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
    long gcBefore = GC.GetTotalAllocatedBytes(precise: false);
    long peakLive = 0;
    var stopwatch = Stopwatch.StartNew();

    // Live managed memory while results are being folded (every 25th fold, after a full collection):
    // what the engine holds, without the garbage a collection has not yet reclaimed.
    var progress = new FoldObserver(25, () => peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true)));
    History history = await RunEngineAsync(clients, progress).ConfigureAwait(false);
    stopwatch.Stop();
    int fits = history.Rounds.Sum(r => r.FitResults);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"memory: {clients} clients, {fits} fits in {Rounds} rounds: peak working set {PeakWorkingSetMiB():F1} MiB, peak managed heap {peakLive / 1048576.0:F1} MiB, {ThreadPool.ThreadCount} pool threads, allocated {(GC.GetTotalAllocatedBytes(false) - gcBefore) / 1048576.0:F0} MiB in total"));
    return 0;
}

int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
var engineRounds = new List<double>();
var handRounds = new List<double>();

// One untimed repetition of each warms up the JIT and the thread pool.
await RunEngineAsync(1000).ConfigureAwait(false);
RunHandWritten(1000, Rounds);
for (int rep = 0; rep < repetitions; rep++)
{
    // Alternating, and swapping which goes first, spreads the machine's noise over both.
    if (rep % 2 == 0)
    {
        engineRounds.AddRange(await TimeEngineAsync().ConfigureAwait(false));
        handRounds.AddRange(RunHandWritten(1000, Rounds));
    }
    else
    {
        handRounds.AddRange(RunHandWritten(1000, Rounds));
        engineRounds.AddRange(await TimeEngineAsync().ConfigureAwait(false));
    }
}

double engine = Median(engineRounds);
double hand = Median(handRounds);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rounds timed: {engineRounds.Count} engine, {handRounds.Count} hand-written; engine p90 {Percentile(engineRounds, 0.9):F2} ms, hand-written p90 {Percentile(handRounds, 0.9):F2} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulation-engine: {engine:F2} ms/round (baseline {hand:F2} ms/round, ratio {engine / hand:F2})"));
return 0;

async Task<IEnumerable<double>> TimeEngineAsync()
{
    History history = await RunEngineAsync(1000).ConfigureAwait(false);
    return history.Rounds.Select(r => r.Seconds * 1000);
}

Task<History> RunEngineAsync(int clients, IProgress<RoundProgress>? progress = null) =>
    Simulation.RunAsync(
        context => new EchoClient(context.PartitionId),
        new FedAvg { InitialParameters = initial, FractionFit = FractionFit, FractionEvaluate = 0 },
        new SimulationOptions { ClientCount = clients, Rounds = Rounds, Seed = 1, Progress = progress });

// The same work without the engine: sample, create each client, call fit, fold, in one loop.
List<double> RunHandWritten(int clients, int rounds)
{
    var times = new List<double>(rounds);
    ModelState global = initial;
    var config = ConfigRecord.Empty;
    for (int round = 1; round <= rounds; round++)
    {
        long start = Stopwatch.GetTimestamp();
        int sampleSize = Math.Max((int)(clients * FractionFit), 2);
        var random = new Random(round);
        int[] chosen = Enumerable.Range(0, clients).ToArray();
        random.Shuffle(chosen);
        Array.Sort(chosen, 0, sampleSize);
        var accumulator = new WeightedMeanAccumulator(global);
        for (int i = 0; i < sampleSize; i++)
        {
            var client = new EchoClient(chosen[i]);
            var result = client.Fit(global, config, CancellationToken.None);
            accumulator.Fold(result.Parameters, result.ExampleCount);
        }

        global = accumulator.Result();
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    return times;
}

static ModelState Model()
{
    // 100,000 parameters: a 1000 × 99 weight matrix and 1000 biases.
    var random = new Random(3);
    float[] weight = new float[1000 * 99];
    float[] bias = new float[1000];
    for (int i = 0; i < weight.Length; i++)
    {
        weight[i] = (float)((random.NextDouble() * 2) - 1);
    }

    return new ModelState([NamedTensor.Create<float>("layer.weight", [1000, 99], weight), NamedTensor.Create<float>("layer.bias", [1000], bias)]);
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    double[] sorted = [.. values.Order()];
    double rank = p * (sorted.Length - 1);
    int low = (int)Math.Floor(rank);
    int high = (int)Math.Ceiling(rank);
    return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
}

static double PeakWorkingSetMiB()
{
    // VmHWM is the kernel's record of the process's peak resident set.
    foreach (string line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }

    return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
}
