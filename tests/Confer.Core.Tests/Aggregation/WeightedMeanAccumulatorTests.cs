using System.Numerics.Tensors;
using Confer.Core.Aggregation;
using CsCheck;

namespace Confer.Core.Tests.Aggregation;

public class WeightedMeanAccumulatorTests
{
    private static readonly Gen<(float[][] Weights, double[][] Biases, double[] ExampleCounts)> Updates =
        Gen.Int[1, 8].SelectMany(n => Gen.Int[1, 40].SelectMany(len => Gen.Select(
            Gen.Float[-100f, 100f].Array[len].Array[n],
            Gen.Double[-100, 100].Array[3].Array[n],
            Gen.Int[1, 5000].Select(c => (double)c).Array[n])));

    [Fact]
    public void Result_SameUpdatesFoldedInSameOrder_BitIdenticalAcrossRuns()
    {
        Property.ForAll(Updates, input =>
        {
            ModelState first = Run(input);
            ModelState second = Run(input);

            Assert.True(TestStates.BitIdentical(first, second));
        });
    }

    [Fact]
    public void Result_FoldedOneByOne_BitIdenticalToBatchWeightedMean()
    {
        Property.ForAll(Updates, input =>
        {
            var batch = ModelAggregation.WeightedMean(
                input.Weights.Select((w, i) => new WeightedUpdate(TestStates.Model(w, input.Biases[i]), input.ExampleCounts[i])).ToArray());

            Assert.True(TestStates.BitIdentical(Run(input), batch));
        });
    }

    [Fact]
    public void Result_AnyUpdates_WithinFloat32RoundingOfFloat64Reference()
    {
        Property.ForAll(Updates, input =>
        {
            ModelState result = Run(input);
            double total = input.ExampleCounts.Sum();
            ReadOnlySpan<float> weight = result["layer.weight"].AsReadOnlySpan<float>();
            ReadOnlySpan<double> bias = result["layer.bias"].AsReadOnlySpan<double>();
            for (int j = 0; j < weight.Length; j++)
            {
                double expected = input.Weights.Select((w, i) => input.ExampleCounts[i] * (double)w[j]).Sum() / total;
                // Float32 accumulation of n terms: a few ulps of the largest magnitude (100) per term.
                Assert.InRange(weight[j] - expected, -1e-4, 1e-4);
            }

            for (int j = 0; j < bias.Length; j++)
            {
                double expected = input.Biases.Select((b, i) => input.ExampleCounts[i] * b[j]).Sum() / total;
                Assert.InRange(bias[j] - expected, -1e-11, 1e-11);
            }
        });
    }

    [Fact]
    public void Fold_LargeTensorOnOneOrTwoThreads_BitIdentical()
    {
        int n = WeightedMeanAccumulator.ParallelThreshold * 2 + 77;
        var random = new Random(11);
        ModelState[] updates = Enumerable.Range(0, 3)
            .Select(_ => TestStates.Single("w", Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()))
            .ToArray();
        var sequential = new WeightedMeanAccumulator(updates[0], maxDegreeOfParallelism: 1);
        var parallel = new WeightedMeanAccumulator(updates[0], maxDegreeOfParallelism: 2);

        for (int i = 0; i < updates.Length; i++)
        {
            sequential.Fold(updates[i], 10 + i);
            parallel.Fold(updates[i], 10 + i);
        }

        Assert.True(TestStates.BitIdentical(sequential.Result(), parallel.Result()));
    }

    [Fact]
    public void Result_AnyLength_BitIdenticalToScalarSeparatelyRoundedReference()
    {
        // Lengths cover the unaligned head, the vector blocks and the scalar tail of the fused kernel.
        var gen = Gen.Int[1, 9000].SelectMany(n => Gen.Select(Gen.Float[-1e3f, 1e3f].Array[n].Array[3], Gen.Int[1, 1000].Array[3], Gen.Int[0, 3]));
        Property.ForAll(gen, input =>
        {
            (float[][] xs, int[] weights, int offset) = input;
            ModelState[] updates = xs.Select(x => TestStates.Single("w", x[Math.Min(offset, x.Length - 1)..])).ToArray();
            var accumulator = new WeightedMeanAccumulator(updates[0], maxDegreeOfParallelism: 1);
            for (int i = 0; i < updates.Length; i++)
            {
                accumulator.Fold(updates[i], weights[i]);
            }

            ReadOnlySpan<float> result = accumulator.Result()[0].AsReadOnlySpan<float>();
            float total = weights.Sum();
            for (int j = 0; j < result.Length; j++)
            {
                float acc = weights[0] * updates[0][0].AsReadOnlySpan<float>()[j];
                acc += weights[1] * updates[1][0].AsReadOnlySpan<float>()[j];
                acc += weights[2] * updates[2][0].AsReadOnlySpan<float>()[j];
                Assert.Equal(BitConverter.SingleToInt32Bits(acc / total), BitConverter.SingleToInt32Bits(result[j]));
            }
        }, iterations: 40);
    }

    [Fact]
    public void Fold_NonFiniteAtAnyPosition_ReportsThatIndexForFloat32AndFloat64()
    {
        var gen = Gen.Int[1, 9000].SelectMany(n => Gen.Select(Gen.Const(n), Gen.Int[0, n - 1], Gen.Int[0, 2].Select(k => k == 0 ? double.NaN : k == 1 ? double.PositiveInfinity : double.NegativeInfinity)));
        Property.ForAll(gen, input =>
        {
            (int n, int position, double bad) = input;
            var floats = new float[n];
            var doubles = new double[n];
            floats[position] = (float)bad;
            doubles[position] = bad;
            var good = TestStates.Model(new float[n], new double[n]);
            var accumulator = new WeightedMeanAccumulator(good, maxDegreeOfParallelism: 1);
            accumulator.Fold(good, 1);

            var inFloats = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(TestStates.Model(floats, new double[n]), 1));
            var inDoubles = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(TestStates.Model(new float[n], doubles), 1));

            Assert.Equal(("layer.weight", (long)position), (inFloats.TensorName!, inFloats.ElementIndex!.Value));
            Assert.Equal(("layer.bias", (long)position), (inDoubles.TensorName!, inDoubles.ElementIndex!.Value));
            Assert.Equal(1, accumulator.Count);
            Assert.All(accumulator.Result()[0].AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(0f, v));
        }, iterations: 60);
    }

    [Fact]
    public void MultiplyAdd_VectorizedKernel_EqualsSeparatelyRoundedScalarMultiplyThenAdd()
    {
        // The accumulator's reproducibility across CPUs rests on this: no fused multiply-add anywhere.
        var random = new Random(5);
        float[] x = Enumerable.Range(0, 4099).Select(_ => (float)(random.NextDouble() * 2e3 - 1e3)).ToArray();
        float[] acc = Enumerable.Range(0, 4099).Select(_ => (float)(random.NextDouble() * 2e3 - 1e3)).ToArray();
        float w = 0.3333333f;
        float[] expected = acc.Select((a, i) => a + (w * x[i])).ToArray();

        TensorPrimitives.MultiplyAdd(x, w, acc, acc);

        Assert.Equal(expected, acc);
    }

    [Fact]
    public void Fold_ManyUpdates_AllocatesNoMoreThanAFewObjectsPerFold()
    {
        var update = TestStates.Model(new float[100_000], new double[50_000]);
        var accumulator = new WeightedMeanAccumulator(update, maxDegreeOfParallelism: 1);
        accumulator.Fold(update, 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            accumulator.Fold(update, 3);
        }

        long perFold = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.True(perFold < 512, $"A fold allocated {perFold} bytes.");
        Assert.Equal(2 * update.ByteCount, accumulator.AccumulatorByteCount);
    }

    [Fact]
    public void AccumulatorByteCount_Float32OrFloat16Model_TwiceModelSizeSoThatAResultStaysWithinThree()
    {
        var float32 = TestStates.Single("w", new float[1000]);
        var float16 = new ModelState([NamedTensor.Zeros("h", ElementType.Float16, [1000])]);

        Assert.Equal(2 * float32.ByteCount, new WeightedMeanAccumulator(float32).AccumulatorByteCount);
        Assert.Equal(2 * float16.ByteCount, new WeightedMeanAccumulator(float16).AccumulatorByteCount);
    }

    [Fact]
    public void WriteResult_ReusedDestination_BitIdenticalToResult()
    {
        var a = TestStates.Model([1f, 2f, 3f], [4.0, 5.0]);
        var b = TestStates.Model([7f, -2f, 0.5f], [1.0, -5.0]);
        var accumulator = new WeightedMeanAccumulator(a);
        accumulator.Fold(a, 3);
        accumulator.Fold(b, 5);
        ModelState destination = a.Clone();

        accumulator.WriteResult(destination);

        Assert.True(TestStates.BitIdentical(accumulator.Result(), destination));
        Assert.Throws<IncompatibleModelStateException>(() => accumulator.WriteResult(TestStates.Single("w", [0f])));
    }

    [Fact]
    public void Result_ThenFoldMore_EarlierResultUntouchedAndLaterResultCoversAll()
    {
        ModelState[] updates = [TestStates.Model([1f, 2f], [3.0]), TestStates.Model([5f, 6f], [7.0]), TestStates.Model([-1f, 0.5f], [2.0])];
        var stepwise = new WeightedMeanAccumulator(updates[0]);
        var direct = new WeightedMeanAccumulator(updates[0]);
        stepwise.Fold(updates[0], 1);
        stepwise.Fold(updates[1], 2);
        ModelState early = stepwise.Result();
        ModelState earlyCopy = early.Clone();

        stepwise.Fold(updates[2], 3);
        foreach ((ModelState update, int weight) in updates.Select((u, i) => (u, i + 1)))
        {
            direct.Fold(update, weight);
        }

        Assert.True(TestStates.BitIdentical(earlyCopy, early));
        Assert.True(TestStates.BitIdentical(direct.Result(), stepwise.Result()));
        Assert.Equal([11f / 3f, 14f / 3f], early["layer.weight"].AsReadOnlySpan<float>().ToArray());
    }

    [Fact]
    public void Result_Float32Model_HandsOverTheSpareSoPeakStaysTwiceModelSize()
    {
        var model = TestStates.Single("w", new float[100_000]);
        var accumulator = new WeightedMeanAccumulator(model, maxDegreeOfParallelism: 1);
        accumulator.Fold(model, 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ModelState result = accumulator.Result();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4096, $"Result allocated {allocated} bytes.");
        Assert.Equal(model.ByteCount, accumulator.AccumulatorByteCount);
        Assert.Equal(model.ByteCount, result.ByteCount);
    }

    [Fact]
    public void Result_EmptyAndScalarTensors_Aggregated()
    {
        ModelState Update(float scalar) => new(
        [
            NamedTensor.Zeros("empty", ElementType.Float32, [0, 3]),
            NamedTensor.Create<float>("scale", [], [scalar]),
            NamedTensor.Zeros("empty.f64", ElementType.Float64, [0]),
        ]);

        ModelState mean = ModelAggregation.WeightedMean([new(Update(1f), 1), new(Update(4f), 2)]);

        Assert.Equal(0, mean["empty"].ElementCount);
        Assert.Equal(3f, mean["scale"].AsReadOnlySpan<float>()[0]);
    }

    [Fact]
    public void Result_NothingFolded_Throws()
    {
        var accumulator = new WeightedMeanAccumulator(TestStates.Single("w", [1f]));

        Assert.Throws<InvalidOperationException>(accumulator.Result);
    }

    [Fact]
    public void Reset_AfterFolds_StartsAfresh()
    {
        var accumulator = new WeightedMeanAccumulator(TestStates.Single("w", [0f]));
        accumulator.Fold(TestStates.Single("w", [100f]), 5);

        accumulator.Reset();
        accumulator.Fold(TestStates.Single("w", [2f]), 1);
        accumulator.Fold(TestStates.Single("w", [4f]), 3);

        Assert.Equal(3.5f, accumulator.Result()[0].AsReadOnlySpan<float>()[0]);
        Assert.Equal(2, accumulator.Count);
        Assert.Equal(4, accumulator.TotalWeight);
    }

    [Fact]
    public void Result_IntegerTensor_WeightedMeanInFloat64RoundedHalfToEven()
    {
        // Means: (1·1 + 2·1)/2 = 1.5 → 2; (1 + 4)/2 = 2.5 → 2; (3·3 + 4·1)/4 = 3.25 → 3; (−1 + −2)/2 = −1.5 → −2.
        var a = TestStates.Int64s([1, 1, 3, -1]);
        var b = TestStates.Int64s([2, 4, 4, -2]);
        var accumulator = new WeightedMeanAccumulator(a);

        accumulator.Fold(a, 1);
        accumulator.Fold(b, 1);
        var equal = accumulator.Result()[0].AsReadOnlySpan<long>().ToArray();
        var weighted = ModelAggregation.WeightedMean([new(a, 3), new(b, 1)])[0].AsReadOnlySpan<long>().ToArray();

        Assert.Equal([2L, 2L, 4L, -2L], equal);
        Assert.Equal(3L, weighted[2]);
    }

    [Fact]
    public void Result_SmallIntegerTypes_StayInRangeAndRoundHalfToEven()
    {
        var a = new ModelState([NamedTensor.Create<byte>("u8", [2], [255, 0]), NamedTensor.Create<bool>("mask", [2], [true, true]), NamedTensor.Create<int>("i32", [1], [7])]);
        var b = new ModelState([NamedTensor.Create<byte>("u8", [2], [254, 1]), NamedTensor.Create<bool>("mask", [2], [false, true]), NamedTensor.Create<int>("i32", [1], [8])]);

        var mean = ModelAggregation.WeightedMean([new(a, 1), new(b, 1)]);

        Assert.Equal([254, 0], mean["u8"].AsReadOnlySpan<byte>().ToArray());
        Assert.Equal([false, true], mean["mask"].AsReadOnlySpan<bool>().ToArray());
        Assert.Equal(8, mean["i32"].AsReadOnlySpan<int>()[0]);
    }

    [Fact]
    public void Result_Float16AndBFloat16_AccumulateInFloat32()
    {
        // In float16, 2048 + 1 rounds back to 2048, so a float16 sum of [2048, 1, 1, 1] stays 2048 (mean 512).
        // In float32 it is 2051, and 2051 / 4 = 512.75 rounds (a tie, to even) to the float16 513.
        ModelState Update(float h, ushort bf16) => new(
        [
            NamedTensor.Create<Half>("h", [1], [(Half)h]),
            new NamedTensor("b", ElementType.BFloat16, [1], BitConverter.GetBytes(bf16)),
        ]);
        WeightedUpdate[] updates = [new(Update(2048f, 0x3F80), 1), new(Update(1f, 0x4000), 1), new(Update(1f, 0x4000), 1), new(Update(1f, 0x4000), 1)];

        var mean = ModelAggregation.WeightedMean(updates);

        // bfloat16: (1 + 2 + 2 + 2) / 4 = 1.75, which is 0x3FE0.
        Assert.Equal((Half)513f, mean["h"].AsReadOnlySpan<Half>()[0]);
        Assert.Equal((ushort)0x3FE0, mean["b"].AsReadOnlySpan<ushort>()[0]);
    }

    [Fact]
    public void Result_SummedTensors_AreThePlainSumInEveryElementType_TheOthersTheWeightedMean()
    {
        ModelState Update(float m, float a, double b, float h, long i) => new(
        [
            NamedTensor.Create<float>("m", [1], [m]),
            NamedTensor.Create<float>("a", [1], [a]),
            NamedTensor.Create<double>("b", [1], [b]),
            NamedTensor.Create<Half>("h", [1], [(Half)h]),
            NamedTensor.Create<long>("i", [1], [i]),
        ]);
        ModelState first = Update(1, 0.5f, 0.25, 2, 3);
        var accumulator = new WeightedMeanAccumulator(first, ["a", "b", "h", "i"]);

        accumulator.Fold(first, 1);
        accumulator.Fold(Update(5, 1.25f, -1, 0.5f, 4), 3);
        ModelState result = accumulator.Result();

        Assert.Equal(["a", "b", "h", "i"], accumulator.SummedTensors);
        Assert.Equal(4f, result["m"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(1.75f, result["a"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(-0.75, result["b"].AsReadOnlySpan<double>()[0]);
        Assert.Equal((Half)2.5f, result["h"].AsReadOnlySpan<Half>()[0]);
        Assert.Equal(7L, result["i"].AsReadOnlySpan<long>()[0]);
    }

    [Fact]
    public void Fold_LargeSummedTensorOnOneOrTwoThreads_BitIdenticalAndTheSum()
    {
        int n = WeightedMeanAccumulator.ParallelThreshold * 2 + 77;
        var random = new Random(12);
        ModelState[] updates = Enumerable.Range(0, 3)
            .Select(_ => TestStates.Single("w_u", Enumerable.Range(0, n).Select(_ => (float)random.Next(0, 64) / 8).ToArray()))
            .ToArray();
        var sequential = new WeightedMeanAccumulator(updates[0], ["w_u"], maxDegreeOfParallelism: 1);
        var parallel = new WeightedMeanAccumulator(updates[0], ["w_u"], maxDegreeOfParallelism: 2);

        for (int i = 0; i < updates.Length; i++)
        {
            sequential.Fold(updates[i], 10 + i);
            parallel.Fold(updates[i], 10 + i);
        }

        ModelState result = parallel.Result();
        Assert.True(TestStates.BitIdentical(sequential.Result(), result));
        for (int j = 0; j < n; j += 4099)
        {
            // Eighths below 8 add exactly in float32.
            Assert.Equal(updates.Sum(u => u["w_u"].AsReadOnlySpan<float>()[j]), result["w_u"].AsReadOnlySpan<float>()[j]);
        }
    }

    [Fact]
    public void Constructor_ASummedNameOutsideTheLayout_IsRefusedNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new WeightedMeanAccumulator(TestStates.Single("w", [1f]), ["w", "w_u"]));

        Assert.Contains("'w_u'", error.Message, StringComparison.Ordinal);
    }

    private static ModelState Run((float[][] Weights, double[][] Biases, double[] ExampleCounts) input)
    {
        var accumulator = new WeightedMeanAccumulator(TestStates.Model(input.Weights[0], input.Biases[0]));
        for (int i = 0; i < input.Weights.Length; i++)
        {
            accumulator.Fold(TestStates.Model(input.Weights[i], input.Biases[i]), input.ExampleCounts[i]);
        }

        return accumulator.Result();
    }
}
