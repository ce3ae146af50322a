using System.Globalization;
using FederationBench;

// Modes:
//   run NAME MODEL_SIZE BASELINE_SECONDS [--rounds N] [--collaborators N] [--keep]
//       sets up a federation in a temporary folder (CA, certified aggregator and collaborators, an
//       echo plan), starts the aggregator (this program, mode `aggregator`) and N
//       `confer collaborator start` processes, and prints the figures; the last line is
//       NAME: <median s> s/round (baseline <s> s/round, ratio <r>)
//   aggregator WORKSPACE PORT LOG
//       the aggregator's process: hosts AggregatorHost and prints one line per round
//       (`round R SECONDS WIRE_BYTES`) and `peak-rss BYTES` at the end.
if (args.Length >= 4 && args[0] == "aggregator")
{
    return await AggregatorProcess.RunAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]).ConfigureAwait(false);
}

if (args.Length >= 4 && args[0] == "run")
{
    var settings = new BenchSettings(
        args[1],
        int.Parse(args[2], CultureInfo.InvariantCulture),
        double.Parse(args[3], CultureInfo.InvariantCulture),
        Option(args, "--rounds", 10),
        Option(args, "--collaborators", 10),
        args.Contains("--keep"));
    return await FederationRun.RunAsync(settings).ConfigureAwait(false);
}

await Console.Error.WriteLineAsync("usage: FederationBench run NAME MODEL_SIZE BASELINE_SECONDS [--rounds N] [--collaborators N] [--keep]").ConfigureAwait(false);
return 2;

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
