using BenchmarkDotNet.Attributes;
using Confer.Core;

namespace Confer.Benchmarks;

/// <summary>BenchmarkDotNet view of the aggregation workload, for its memory diagnoser and a second opinion on the timings.</summary>
[MemoryDiagnoser]
public class AggregateBenchmarks
{
    private AggregateWorkload _workload = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new AggregateWorkload();

    [Benchmark(Description = "streaming accumulator (validate + fold x10 + result)")]
    public ModelState Accumulator() => _workload.Accumulate(Threads);

    [Benchmark(Baseline = true, Description = "baseline TensorPrimitives.Add acc+=x x10")]
    public float Baseline() => _workload.Baseline(Threads);
}
