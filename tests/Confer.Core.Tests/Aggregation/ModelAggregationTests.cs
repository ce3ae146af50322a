using Confer.Core.Aggregation;
using CsCheck;

namespace Confer.Core.Tests.Aggregation;

public class ModelAggregationTests
{
    private static readonly Gen<double[][]> Points =
        Gen.Int[1, 9].SelectMany(n => Gen.Int[1, 12].SelectMany(len => Gen.Double[-1000, 1000].Array[len].Array[n]));

    private static readonly Gen<(double[][] Points, double[] Weights)> WeightedPoints =
        Points.SelectMany(p => Gen.Int[1, 10_000].Select(w => (double)w).Array[p.Length].Select(w => (p, w)));

    [Fact]
    public void Distance_IsTheEuclideanNormOfTheDifference_AndRefusesAnotherLayout()
    {
        var a = TestStates.Single("w", [0f, 0f, 1f]);
        var b = TestStates.Single("w", [3f, 4f, 1f]);

        Assert.Equal(5.0, ModelAggregation.Distance(a, b), 12);
        Assert.Equal(0.0, ModelAggregation.Distance(a, a.Clone()));
        Assert.Throws<UpdateRejectedException>(() => ModelAggregation.Distance(a, TestStates.Single("w", [1f, 2f])));
    }

    [Fact]
    public void WeightedMean_IdenticalInputs_ReturnsTheInput()
    {
        var gen = Gen.Select(Gen.Float[-1e6f, 1e6f].Array[1, 30], Gen.Int[1, 10_000].Select(w => (double)w).Array[1, 12]);
        Property.ForAll(gen, input =>
        {
            (float[] values, double[] weights) = input;
            var state = TestStates.Single("w", values);

            ModelState mean = ModelAggregation.WeightedMean(weights.Select(w => new WeightedUpdate(state.Clone(), w)).ToArray());

            ReadOnlySpan<float> result = mean[0].AsReadOnlySpan<float>();
            for (int j = 0; j < values.Length; j++)
            {
                // Float32 sum of n weighted copies: within n ulps of the value.
                Assert.InRange(result[j], values[j] - (weights.Length * Ulp(values[j])), values[j] + (weights.Length * Ulp(values[j])));
            }
        });
    }

    [Fact]
    public void WeightedMean_IdenticalInputsOfPowerOfTwoWeights_ReturnsTheInputExactly()
    {
        var state = TestStates.Model([1.1f, -3.3f, 1e-7f], [0.1, 7.7]);

        ModelState mean = ModelAggregation.WeightedMean([new(state, 2), new(state, 4), new(state, 2)]);

        Assert.True(TestStates.BitIdentical(state, mean));
    }

    [Fact]
    public void WeightedMean_AllWeightsScaled_SameResultWithinFloat64Rounding()
    {
        var gen = WeightedPoints.SelectMany(p => Gen.Double[1e-3, 1e3].Select(scale => (p.Points, p.Weights, scale)));
        Property.ForAll(gen, input =>
        {
            ModelState a = ModelAggregation.WeightedMean(Weighted(input.Points, input.Weights));
            ModelState b = ModelAggregation.WeightedMean(Weighted(input.Points, input.Weights.Select(w => w * input.scale).ToArray()));

            AssertClose(a, b, 1e-9);
        });
    }

    [Fact]
    public void WeightedMean_UpdatesPermuted_SameResultWithinStatedTolerance()
    {
        // Stated tolerance: float64 sums of at most 9 terms of magnitude ≤ 1000 reorder with an error
        // below 9 · 2⁻⁵² · 1000 ≈ 2e-12; 1e-9 absolute leaves margin. (float32 tensors: 1e-3 at this scale.)
        var gen = WeightedPoints.SelectMany(p => Gen.Shuffle(Enumerable.Range(0, p.Points.Length).ToArray()).Select(order => (p.Points, p.Weights, order)));
        Property.ForAll(gen, input =>
        {
            WeightedUpdate[] updates = Weighted(input.Points, input.Weights);
            ModelState a = ModelAggregation.WeightedMean(updates);
            ModelState b = ModelAggregation.WeightedMean(input.order.Select(i => updates[i]).ToArray());

            AssertClose(a, b, 1e-9);
        });
    }

    [Fact]
    public void MedianAndTrimmedMean_UpdatesPermuted_ExactlyEqual()
    {
        var gen = Points.SelectMany(p => Gen.Shuffle(Enumerable.Range(0, p.Length).ToArray()).Select(order => (p, order)));
        Property.ForAll(gen, input =>
        {
            ModelState[] updates = input.p.Select(TestStates.Doubles).ToArray();
            ModelState[] permuted = input.order.Select(i => updates[i]).ToArray();

            Assert.True(TestStates.BitIdentical(ModelAggregation.Median(updates), ModelAggregation.Median(permuted)));
            Assert.True(TestStates.BitIdentical(ModelAggregation.TrimmedMean(updates, 0.2), ModelAggregation.TrimmedMean(permuted, 0.2)));
        });
    }

    [Fact]
    public void RobustAggregators_IdenticalInputs_ReturnTheInputExactly()
    {
        var gen = Gen.Select(Gen.Float[-1e6f, 1e6f].Array[1, 30], Gen.Int[1, 9]);
        Property.ForAll(gen, input =>
        {
            var state = TestStates.Single("w", input.Item1);
            ModelState[] updates = Enumerable.Repeat(state, input.Item2).ToArray();
            WeightedUpdate[] weighted = updates.Select(u => new WeightedUpdate(u, 3)).ToArray();

            Assert.True(TestStates.BitIdentical(state, ModelAggregation.Median(updates)));
            Assert.True(TestStates.BitIdentical(state, ModelAggregation.TrimmedMean(updates, 0.3)));
            Assert.True(TestStates.BitIdentical(state, ModelAggregation.Krum(updates, 0)));
            Assert.True(TestStates.BitIdentical(state, ModelAggregation.GeometricMedian(weighted)));
        });
    }

    [Fact]
    public void Median_FewerThanHalfHugeOutliers_StaysWithinHonestRange()
    {
        // Breakdown point of the median: f < n/2 outliers cannot move it outside the honest values' range.
        var gen = Gen.Int[1, 6].SelectMany(honest => Gen.Int[0, honest - 1].SelectMany(f => Gen.Select(
            Gen.Double[-1, 1].Array[5].Array[honest],
            Gen.Double[-1e30, 1e30].Array[5].Array[f])));
        Property.ForAll(gen, input => AssertWithinHonestRange(input.Item1, input.Item2, ModelAggregation.Median));
    }

    [Fact]
    public void TrimmedMean_AtMostCutHugeOutliers_StaysWithinHonestRange()
    {
        // ⌊β·n⌋ values are cut from each end; with f ≤ ⌊β·n⌋ outliers every kept value lies within the honest range.
        var gen = Gen.Int[2, 10].SelectMany(n => Gen.Double[0.1, 0.49].SelectMany(beta =>
        {
            int cut = (int)Math.Floor(beta * n);
            return Gen.Int[0, cut].SelectMany(f => Gen.Select(
                Gen.Double[-1, 1].Array[4].Array[n - f],
                Gen.Double[-1e30, 1e30].Array[4].Array[f],
                Gen.Const(beta)));
        }));
        Property.ForAll(gen, input => AssertWithinHonestRange(input.Item1, input.Item2, u => ModelAggregation.TrimmedMean(u, input.Item3)));
    }

    [Fact]
    public void TrimmedMean_ByHand_DropsExtremesAndAveragesTheRest()
    {
        ModelState[] updates = [TestStates.Doubles([1]), TestStates.Doubles([100]), TestStates.Doubles([2]), TestStates.Doubles([-50]), TestStates.Doubles([3])];

        ModelState mean = ModelAggregation.TrimmedMean(updates, 0.2);

        Assert.Equal(2.0, mean[0].AsReadOnlySpan<double>()[0]);
    }

    [Fact]
    public void TrimmedMean_BetaOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelAggregation.TrimmedMean([TestStates.Doubles([1])], 0.5));
    }

    [Fact]
    public void Krum_FewerThanHalfMinusOneByzantine_SelectsAnHonestUpdate()
    {
        // Krum's condition: n > 2f + 2, i.e. f < (n − 2)/2. Honest updates cluster near a common point.
        var gen = Gen.Int[0, 3].SelectMany(f => Gen.Int[(2 * f) + 3, (2 * f) + 6].SelectMany(n => Gen.Select(
            Gen.Double[-5, 5].Array[6],
            Gen.Double[-0.1, 0.1].Array[6].Array[n - f],
            Gen.Double[-100, 100].Array[6].Array[f],
            Gen.Int[1, 3])));
        Property.ForAll(gen, input =>
        {
            (double[] center, double[][] noise, double[][] byzantine, int m) = input;
            double[][] honest = noise.Select(e => e.Select((x, j) => center[j] + x).ToArray()).ToArray();
            // Byzantine updates sit far away, or collude at one point far from the honest cluster.
            double[][] attackers = byzantine.Select(b => b.Select((x, j) => center[j] + 20 + Math.Abs(x)).ToArray()).ToArray();
            ModelState[] updates = attackers.Concat(honest).Select(TestStates.Doubles).ToArray();
            int f = attackers.Length;

            int[] selected = ModelAggregation.KrumSelect(updates, f, Math.Min(m, honest.Length));

            Assert.All(selected, i => Assert.True(i >= f, $"Krum selected Byzantine update {i}."));
        });
    }

    [Fact]
    public void KrumScores_ByHand_SumOfNearestSquaredDistances()
    {
        // Points 0, 1, 3, 10 on a line; n − f − 2 = 1 nearest neighbour with f = 1.
        ModelState[] updates = [TestStates.Doubles([0]), TestStates.Doubles([1]), TestStates.Doubles([3]), TestStates.Doubles([10])];

        double[] scores = ModelAggregation.KrumScores(updates, 1);

        Assert.Equal([1.0, 1.0, 4.0, 49.0], scores);
        Assert.Equal([0, 1], ModelAggregation.KrumSelect(updates, 1, 2));
    }

    [Fact]
    public void MultiKrum_SelectsHonestAndAveragesByWeight()
    {
        ModelState[] states = [TestStates.Doubles([1]), TestStates.Doubles([1000]), TestStates.Doubles([2]), TestStates.Doubles([1.5]), TestStates.Doubles([-900])];
        WeightedUpdate[] updates = states.Select((s, i) => new WeightedUpdate(s, i + 1)).ToArray();

        ModelState result = ModelAggregation.MultiKrum(updates, f: 1, m: 3);

        // Selected 1, 2 and 1.5 with weights 1, 3 and 4: (1 + 6 + 6) / 8.
        Assert.Equal(13.0 / 8.0, result[0].AsReadOnlySpan<double>()[0], 12);
    }

    [Fact]
    public void GeometricMedian_OneFarOutlier_StaysNearTheHonestCluster()
    {
        ModelState[] states = [TestStates.Doubles([0, 0]), TestStates.Doubles([1, 0]), TestStates.Doubles([0, 1]), TestStates.Doubles([1, 1]), TestStates.Doubles([1000, 1000])];
        WeightedUpdate[] updates = states.Select(s => new WeightedUpdate(s, 1)).ToArray();

        ReadOnlySpan<double> median = ModelAggregation.GeometricMedian(updates, maxIterations: 100).AsEnumerable().Single().AsReadOnlySpan<double>();
        ReadOnlySpan<double> mean = ModelAggregation.WeightedMean(updates)[0].AsReadOnlySpan<double>();

        // The exact geometric median lies on the diagonal at t = (1 + 1/√3)/2 ≈ 0.789 (where the
        // objective's derivative along the diagonal vanishes); the mean is dragged to 200.4.
        Assert.InRange(mean[0], 200, 201);
        Assert.InRange(median[0], 0.75, 0.85);
        Assert.InRange(median[1], 0.75, 0.85);
    }

    [Fact]
    public void GeometricMedian_ZeroIterations_IsTheWeightedMean()
    {
        WeightedUpdate[] updates = [new(TestStates.Doubles([0, 4]), 1), new(TestStates.Doubles([8, 0]), 3)];

        ModelState median = ModelAggregation.GeometricMedian(updates, maxIterations: 0);

        Assert.Equal([6.0, 1.0], median[0].AsReadOnlySpan<double>().ToArray());
    }

    [Fact]
    public void Median_IntegerTensor_SameOrderStatisticRoundedHalfToEven()
    {
        ModelState[] odd = [TestStates.Int64s([5, -1]), TestStates.Int64s([1, -7]), TestStates.Int64s([3, 100])];
        ModelState[] even = [TestStates.Int64s([1, 3, 2]), TestStates.Int64s([2, 4, 9]), TestStates.Int64s([4, 1, 3]), TestStates.Int64s([3, 6, 5])];

        // Even counts: middle pairs (2, 3) → 2.5 → 2; (3, 4) → 3.5 → 4; (3, 5) → 4.
        Assert.Equal([3L, -1L], ModelAggregation.Median(odd)[0].AsReadOnlySpan<long>().ToArray());
        Assert.Equal([2L, 4L, 4L], ModelAggregation.Median(even)[0].AsReadOnlySpan<long>().ToArray());
        // Trimmed mean, β = 0.25 cuts one from each end: (2 + 3)/2 → 2, (3 + 4)/2 → 4, (3 + 5)/2 → 4.
        Assert.Equal([2L, 4L, 4L], ModelAggregation.TrimmedMean(even, 0.25)[0].AsReadOnlySpan<long>().ToArray());
    }

    [Fact]
    public void Median_Float32Tensor_MiddleValueOrMeanOfMiddlePair()
    {
        ModelState[] updates = [TestStates.Single("w", [1f, 10f]), TestStates.Single("w", [4f, 20f]), TestStates.Single("w", [2f, 30f]), TestStates.Single("w", [8f, 50f])];

        Assert.Equal([3f, 25f], ModelAggregation.Median(updates)[0].AsReadOnlySpan<float>().ToArray());
        Assert.Equal([2f, 20f], ModelAggregation.Median(updates[..3])[0].AsReadOnlySpan<float>().ToArray());
    }

    private static void AssertWithinHonestRange(double[][] honest, double[][] outliers, Func<ModelState[], ModelState> aggregate)
    {
        ModelState[] updates = outliers.Concat(honest).Select(TestStates.Doubles).ToArray();

        ReadOnlySpan<double> result = aggregate(updates)[0].AsReadOnlySpan<double>();

        for (int j = 0; j < result.Length; j++)
        {
            double low = honest.Min(h => h[j]);
            double high = honest.Max(h => h[j]);
            Assert.InRange(result[j], low - 1e-12, high + 1e-12);
        }
    }

    private static WeightedUpdate[] Weighted(double[][] points, double[] weights) =>
        points.Select((p, i) => new WeightedUpdate(TestStates.Doubles(p), weights[i])).ToArray();

    private static void AssertClose(ModelState a, ModelState b, double tolerance)
    {
        ReadOnlySpan<double> x = a[0].AsReadOnlySpan<double>();
        ReadOnlySpan<double> y = b[0].AsReadOnlySpan<double>();
        for (int j = 0; j < x.Length; j++)
        {
            Assert.InRange(x[j] - y[j], -tolerance, tolerance);
        }
    }

    private static float Ulp(float value) => MathF.BitIncrement(MathF.Abs(value)) - MathF.Abs(value);
}
