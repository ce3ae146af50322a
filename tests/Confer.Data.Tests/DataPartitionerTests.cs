namespace Confer.Data.Tests;

public sealed class DataPartitionerTests
{
    /// <summary>1000 examples of 10 classes, in class blocks, like a sorted data set.</summary>
    private static readonly int[] BlockLabels = Enumerable.Range(0, 1000).Select(i => i / 100).ToArray();

    public static TheoryData<string> Schemes => new() { "iid", "strided", "dirichlet:0.1", "dirichlet:1000", "shards:2", "shards:3" };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Apply_AnyScheme_PartitionsAreDisjointNonEmptySortedAndCoverEveryIndex(string scheme)
    {
        IReadOnlyList<int[]> parts = PartitionSpec.Parse(scheme).Apply(BlockLabels, 7, seed: 42);

        Assert.Equal(7, parts.Count);
        Assert.All(parts, part => Assert.NotEmpty(part));
        Assert.All(parts, part => Assert.Equal(part.Order(), part));
        Assert.Equal(Enumerable.Range(0, BlockLabels.Length), parts.SelectMany(p => p).Order());
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Apply_SameSeed_GivesSamePartitions(string scheme)
    {
        PartitionSpec spec = PartitionSpec.Parse(scheme);

        IReadOnlyList<int[]> first = spec.Apply(BlockLabels, 5, seed: 7);
        IReadOnlyList<int[]> second = spec.Apply(BlockLabels, 5, seed: 7);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("iid")]
    [InlineData("dirichlet:0.5")]
    [InlineData("shards:2")]
    public void Apply_DifferentSeed_GivesDifferentPartitions(string scheme)
    {
        PartitionSpec spec = PartitionSpec.Parse(scheme);

        IReadOnlyList<int[]> first = spec.Apply(BlockLabels, 5, seed: 1);
        IReadOnlyList<int[]> second = spec.Apply(BlockLabels, 5, seed: 2);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Iid_SizesNotDivisible_SizesDifferByAtMostOne()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Iid(103, 10, seed: 3);

        Assert.Equal([11, 11, 11, 10, 10, 10, 10, 10, 10, 10], parts.Select(p => p.Length));
    }

    [Fact]
    public void Iid_BlockOrderedLabels_MixesClassesIntoEveryPartition()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Iid(BlockLabels.Length, 4, seed: 3);

        Assert.All(parts, part => Assert.Equal(10, part.Select(i => BlockLabels[i]).Distinct().Count()));
    }

    [Fact]
    public void Strided_TenIntoThree_GivesEveryThirdIndex()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Strided(10, 3);

        Assert.Equal([0, 3, 6, 9], parts[0]);
        Assert.Equal([1, 4, 7], parts[1]);
        Assert.Equal([2, 5, 8], parts[2]);
    }

    [Fact]
    public void Strided_OnePartition_HoldsEverything()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Strided(5, 1);

        Assert.Equal([0, 1, 2, 3, 4], Assert.Single(parts));
    }

    [Fact]
    public void Dirichlet_SmallAlpha_SkewsLabelsAndLargeAlphaDoesNot()
    {
        double skewed = MeanLargestClassShare(DataPartitioner.Dirichlet(BlockLabels, 5, alpha: 0.05, seed: 11));
        double balanced = MeanLargestClassShare(DataPartitioner.Dirichlet(BlockLabels, 5, alpha: 1000, seed: 11));

        // With ten balanced classes an IID partition's largest class is about 10% of it.
        Assert.True(skewed > 0.5, $"Mean largest-class share with alpha 0.05 is {skewed:F3}.");
        Assert.True(balanced < 0.2, $"Mean largest-class share with alpha 1000 is {balanced:F3}.");
    }

    [Fact]
    public void Dirichlet_TinyAlphaManyPartitions_LeavesNoPartitionBelowMinimum()
    {
        // Alpha 0.01 over 50 partitions puts nearly all of each class in one partition, so most
        // draws leave partitions empty and the repair path must fill them.
        IReadOnlyList<int[]> parts = DataPartitioner.Dirichlet(BlockLabels, 50, alpha: 0.01, seed: 5, minPartitionSize: 3);

        Assert.All(parts, part => Assert.True(part.Length >= 3, $"A partition holds {part.Length} examples."));
        Assert.Equal(Enumerable.Range(0, BlockLabels.Length), parts.SelectMany(p => p).Order());
    }

    [Fact]
    public void Dirichlet_ExactlyAsManyExamplesAsPartitions_GivesOneEach()
    {
        int[] labels = [0, 0, 1, 1, 2];

        IReadOnlyList<int[]> parts = DataPartitioner.Dirichlet(labels, 5, alpha: 0.1, seed: 1);

        Assert.All(parts, part => Assert.Single(part));
    }

    [Fact]
    public void Dirichlet_ByteLabels_MatchIntLabels()
    {
        byte[] bytes = BlockLabels.Select(l => (byte)l).ToArray();

        Assert.Equal(
            DataPartitioner.Dirichlet(BlockLabels, 4, 0.3, seed: 9),
            DataPartitioner.Dirichlet(bytes, 4, 0.3, seed: 9));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Dirichlet_AlphaNotPositiveFinite_ThrowsArgumentOutOfRange(double alpha)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataPartitioner.Dirichlet(BlockLabels, 3, alpha, seed: 1));

        Assert.Equal("alpha", e.ParamName);
        Assert.Contains("greater than 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dirichlet_NegativeLabel_ThrowsNamingIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => DataPartitioner.Dirichlet([0, 1, -4], 2, 1.0, seed: 1));

        Assert.Contains("-4 at index 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_TwoPerClientOverClassBlocks_EachPartitionHoldsAtMostTwoClasses()
    {
        IReadOnlyList<int[]> parts = DataPartitioner.Shards(BlockLabels, 10, shardsPerClient: 2, seed: 4);

        // 20 shards of 50 cut 10 class blocks of 100 in halves, so each shard holds one class.
        Assert.All(parts, part => Assert.Equal(100, part.Length));
        Assert.All(parts, part => Assert.InRange(part.Select(i => BlockLabels[i]).Distinct().Count(), 1, 2));
    }

    [Fact]
    public void Shards_MoreShardsThanExamples_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataPartitioner.Shards([0, 1, 2, 3, 4], 3, shardsPerClient: 2, seed: 1));

        Assert.Contains("6 shards", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iid")]
    [InlineData("strided")]
    [InlineData("dirichlet:0.5")]
    [InlineData("shards:1")]
    public void Apply_MorePartitionsThanExamples_ThrowsArgumentOutOfRange(string scheme)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PartitionSpec.Parse(scheme).Apply([0, 1, 0], 4, seed: 1));

        Assert.Equal("partitions", e.ParamName);
        Assert.Contains("3 examples into 4 partitions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iid", 0)]
    [InlineData("strided", -1)]
    [InlineData("dirichlet:0.5", 0)]
    [InlineData("shards:2", 0)]
    public void Apply_PartitionsBelowOne_ThrowsArgumentOutOfRange(string scheme, int partitions)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PartitionSpec.Parse(scheme).Apply(BlockLabels, partitions, seed: 1));

        Assert.Equal("partitions", e.ParamName);
    }

    private static double MeanLargestClassShare(IReadOnlyList<int[]> parts) =>
        parts.Average(part => part.GroupBy(i => BlockLabels[i]).Max(g => g.Count()) / (double)part.Length);
}
