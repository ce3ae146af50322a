using System.Numerics.Tensors;
using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.Benchmarks;

/// <summary>
/// The aggregation workload: the weighted mean of 10 updates of 10,000,000 float32 values each,
/// through the streaming accumulator (validation included), next to a plain streaming baseline
/// (acc += x with TensorPrimitives.Add) over the same buffers. Both are credited with the same
/// bytes: the 10 inputs read plus one result written.
/// </summary>
internal sealed class AggregateWorkload
{
    public const int UpdateCount = 10;
    public const int ElementCount = 10_000_000;

    private readonly ModelState[] _updates;
    private readonly float[] _baselineSum = new float[ElementCount];
    private readonly WeightedMeanAccumulator[] _accumulators;
    private readonly ModelState _result;

    public AggregateWorkload()
    {
        var random = new Random(42);
        _updates = new ModelState[UpdateCount];
        for (int u = 0; u < UpdateCount; u++)
        {
            var values = new float[ElementCount];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }

            _updates[u] = new ModelState([NamedTensor.Create<float>("fc.weight", [ElementCount], values)]);
        }

        _result = _updates[0].ZerosLike();
        _accumulators =
        [
            new WeightedMeanAccumulator(_updates[0], 1),
            new WeightedMeanAccumulator(_updates[0], 1),
            new WeightedMeanAccumulator(_updates[0], 2),
            new WeightedMeanAccumulator(_updates[0], 2),
        ];
    }

    /// <summary>Bytes credited per operation: 10 inputs read, one result written.</summary>
    public static long BytesPerOperation => (UpdateCount + 1L) * ElementCount * sizeof(float);

    /// <summary>Model size in bytes.</summary>
    public static long ModelBytes => (long)ElementCount * sizeof(float);

    public ModelState[] Updates => _updates;

    /// <summary>
    /// One weighted mean through the streaming accumulator, reusing its buffers across operations.
    /// With <paramref name="allocateResult"/> the result is a new state (<see cref="WeightedMeanAccumulator.Result"/>);
    /// otherwise it is written into one kept buffer (<see cref="WeightedMeanAccumulator.WriteResult"/>), as an aggregator
    /// that keeps its next global model's buffer does.
    /// </summary>
    public ModelState Accumulate(int threads, bool allocateResult = false)
    {
        // Separate accumulators per variant: Result() hands the spare away, and the next fold's new
        // spare would otherwise be charged to whichever variant ran next.
        WeightedMeanAccumulator accumulator = _accumulators[((threads - 1) * 2) + (allocateResult ? 1 : 0)];
        accumulator.Reset();
        for (int u = 0; u < UpdateCount; u++)
        {
            accumulator.Fold(_updates[u], 100 + u);
        }

        if (allocateResult)
        {
            return accumulator.Result();
        }

        accumulator.WriteResult(_result);
        return _result;
    }

    /// <summary>The plain streaming baseline: acc = 0; acc += x for every update, split across <paramref name="threads"/>.</summary>
    public float Baseline(int threads)
    {
        if (threads == 1)
        {
            BaselineRange(0, ElementCount);
        }
        else
        {
            int half = ((ElementCount / 2) + 63) & ~63;
            Parallel.For(0, 2, p => BaselineRange(p == 0 ? 0 : half, p == 0 ? half : ElementCount - half));
        }

        return _baselineSum[0];
    }

    private void BaselineRange(int start, int length)
    {
        Span<float> sum = _baselineSum.AsSpan(start, length);
        sum.Clear();
        foreach (ModelState update in _updates)
        {
            TensorPrimitives.Add(update[0].AsReadOnlySpan<float>().Slice(start, length), sum, sum);
        }
    }
}
