using System.Globalization;
using BenchmarkDotNet.Running;
using Confer.Benchmarks;

// `aggregate-alternating [rounds]` times the aggregation workload alternately against its
// baseline (see bench/scripts/aggregate.sh); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "aggregate-alternating")
{
    AggregateAlternating.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
