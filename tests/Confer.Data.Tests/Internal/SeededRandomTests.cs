using Confer.Data.Internal;

namespace Confer.Data.Tests.Internal;

public sealed class SeededRandomTests
{
    [Fact]
    public void NextUInt64_FixedSeed_GivesPinnedSequence()
    {
        // Pinned so that partitions and batch orders stay the same across releases and platforms.
        var random = new SeededRandom(42);

        ulong[] values = [random.NextUInt64(), random.NextUInt64(), random.NextUInt64()];

        Assert.Equal(PinnedSequence, values);
    }

    [Fact]
    public void NextUInt64_ReferenceState_MatchesXoshiro256StarStar()
    {
        // Outputs of the reference C implementation (Blackman and Vigna) from state {1, 2, 3, 4}.
        var random = SeededRandom.FromState(1, 2, 3, 4);

        Assert.Equal([11520UL, 0UL, 1509978240UL], [random.NextUInt64(), random.NextUInt64(), random.NextUInt64()]);
    }

    [Fact]
    public void Iid_FixedSeed_GivesPinnedPartitions()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Iid(10, 2, seed: 1);

        Assert.Equal(PinnedIid, parts);
    }

    [Fact]
    public void Constructor_DifferentStreams_GiveDifferentSequences()
    {
        Assert.NotEqual(new SeededRandom(1, 0).NextUInt64(), new SeededRandom(1, 1).NextUInt64());
        Assert.NotEqual(new SeededRandom(1, 0).NextUInt64(), new SeededRandom(2, 0).NextUInt64());
    }

    [Fact]
    public void NextInt_SmallBound_IsRoughlyUniform()
    {
        var random = new SeededRandom(3);
        int[] counts = new int[6];

        for (int i = 0; i < 60_000; i++)
        {
            counts[random.NextInt(6)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_600, 10_400));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(50.0)]
    public void NextLogGamma_ManyDraws_MatchGammaMeanAndVariance(double shape)
    {
        var random = new SeededRandom(7);
        const int N = 40_000;
        double sum = 0;
        double sumSquares = 0;

        for (int i = 0; i < N; i++)
        {
            double x = Math.Exp(random.NextLogGamma(shape));
            sum += x;
            sumSquares += x * x;
        }

        double mean = sum / N;
        double variance = (sumSquares / N) - (mean * mean);

        // Gamma(k, 1) has mean k and variance k; 5% and 15% bounds are many standard errors wide at N = 40,000.
        Assert.InRange(mean, shape * 0.95, shape * 1.05);
        Assert.InRange(variance, shape * 0.85, shape * 1.15);
    }

    [Fact]
    public void NextDirichlet_TinyAlpha_SumsToOneWithoutUnderflow()
    {
        var random = new SeededRandom(9);
        double[] proportions = new double[20];

        random.NextDirichlet(0.001, proportions);

        Assert.Equal(1.0, proportions.Sum(), precision: 12);
        Assert.All(proportions, p => Assert.True(double.IsFinite(p) && p >= 0));
    }

    private static readonly ulong[] PinnedSequence = [1865750160070900731, 6791145067590612263, 14118064813682728970];

    private static readonly int[][] PinnedIid = [[0, 2, 3, 5, 8], [1, 4, 6, 7, 9]];
}
