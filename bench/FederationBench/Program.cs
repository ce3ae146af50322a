using System.Globalization;
using FederationBench;

// Modes:
//   run NAME MODEL_SIZE BASELINE_SECONDS [--rounds N] [--collaborators N] [--chunk-size BYTES] [--keep]
//       sets up a federation in a temporary folder (CA, certified aggregator and collaborators, an
//       echo plan), starts the aggregator (this program, mode `aggregator`) and N
//       `confer collaborator start` processes, and prints the figures; the last line is
//       NAME: <median s> s/round (baseline <s> s/round, ratio <r>)
//   aggregator WORKSPACE PORT LOG
//       the aggregator's process: hosts AggregatorHost and prints one line per round
//       (`round R SECONDS WIRE_BYTES GC_HEAP_BYTES GC_COMMITTED_BYTES`) and `peak-rss BYTES` at the end.
//   load NAME MODEL_SIZE [--rounds N] [--collaborators N] [--processes N] [--baseline-collaborators N] [--timeout SECONDS] [--keep]
//       the load benchmark: the same federation twice, first with the baseline's collaborators
//       (default 10) in one process, then with N collaborators (default 50) in --processes
//       processes (default 5), 20 rounds by default; counts errors and lost results, samples the
//       aggregator's RSS; kills every process after --timeout seconds (default 900). The last line is
//       NAME: <median s> s/round (baseline <s> s/round, ratio <r>)
//   floor [--collaborators N] [--repeats N]
//       the least CPU a round can cost here: TLS 1.3 and SHA-256 throughput measured alone, scaled
//       to the federation benchmarks' rounds. The last line is
//       transport-floor: <s> s/round at 1M values (baseline 0.10 s/round, the federation-1m goal; ratio <r>)
//   collaborators ROOT LOGS NAME...
//       hosts the named collaborators (workspaces ROOT/NAME, logs LOGS/NAME.log) in this one process
//       and prints `exit NAME CODE` for each.
if (args.Length >= 4 && args[0] == "aggregator")
{
    return await AggregatorProcess.RunAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]).ConfigureAwait(false);
}

if (args.Length >= 4 && args[0] == "collaborators")
{
    return await CollaboratorsProcess.RunAsync(args[1], args[2], args[3..]).ConfigureAwait(false);
}

if (args.Length >= 3 && args[0] == "load")
{
    var load = new LoadSettings(
        args[1],
        int.Parse(args[2], CultureInfo.InvariantCulture),
        Option(args, "--rounds", 20),
        Option(args, "--collaborators", 50),
        Option(args, "--processes", 5),
        Option(args, "--baseline-collaborators", 10),
        TimeSpan.FromSeconds(Option(args, "--timeout", 900)),
        args.Contains("--keep"));
    return await LoadRun.RunAsync(load).ConfigureAwait(false);
}

if (args.Length >= 1 && args[0] == "floor")
{
    return await FloorRun.RunAsync(Option(args, "--collaborators", 10), Option(args, "--repeats", 3)).ConfigureAwait(false);
}

if (args.Length >= 4 && args[0] == "run")
{
    var settings = new BenchSettings(
        args[1],
        int.Parse(args[2], CultureInfo.InvariantCulture),
        double.Parse(args[3], CultureInfo.InvariantCulture),
        Option(args, "--rounds", 10),
        Option(args, "--collaborators", 10),
        args.Contains("--keep"),
        Option(args, "--chunk-size", 0));
    return await FederationRun.RunAsync(settings).ConfigureAwait(false);
}

await Console.Error.WriteLineAsync("usage: FederationBench run NAME MODEL_SIZE BASELINE_SECONDS [--rounds N] [--collaborators N] [--chunk-size BYTES] [--keep]\n       FederationBench load NAME MODEL_SIZE [--rounds N] [--collaborators N] [--processes N] [--baseline-collaborators N] [--timeout SECONDS] [--keep]").ConfigureAwait(false);
return 2;

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
