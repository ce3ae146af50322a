namespace Confer.Data.Tests;

public sealed class BatchLoaderTests
{
    private static readonly int[] Partition = Enumerable.Range(0, 103).Select(i => (i * 3) + 1).ToArray();

    [Fact]
    public void Epoch_Shuffled_CoversEveryIndexOnceInFullBatches()
    {
        var loader = new BatchLoader(Partition, batchSize: 10, seed: 1);

        List<int[]> batches = loader.Epoch(0).Select(b => b.ToArray()).ToList();

        Assert.Equal(11, loader.BatchCount);
        Assert.Equal(11, batches.Count);
        Assert.All(batches.Take(10), b => Assert.Equal(10, b.Length));
        Assert.Equal(3, batches[^1].Length);
        Assert.Equal(Partition, batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Epoch_SameSeedAndEpoch_GivesSameBatchesRegardlessOfHistory()
    {
        var first = new BatchLoader(Partition, 16, seed: 5);
        var second = new BatchLoader(Partition, 16, seed: 5);
        _ = first.Epoch(0).ToList();
        _ = first.Epoch(1).ToList();

        int[] fromFirst = first.Epoch(2).SelectMany(b => b.ToArray()).ToArray();
        int[] fromSecond = second.Epoch(2).SelectMany(b => b.ToArray()).ToArray();

        Assert.Equal(fromFirst, fromSecond);
    }

    [Fact]
    public void Epoch_DifferentEpochsOrSeeds_GiveDifferentOrders()
    {
        var loader = new BatchLoader(Partition, 16, seed: 5);
        var other = new BatchLoader(Partition, 16, seed: 6);

        Assert.NotEqual(loader.Order(0), loader.Order(1));
        Assert.NotEqual(loader.Order(0), other.Order(0));
        Assert.NotEqual(Partition, loader.Order(0));
    }

    [Fact]
    public void Epoch_NoShuffle_KeepsGivenOrder()
    {
        var loader = new BatchLoader(Partition, 25, seed: 5, shuffle: false);

        Assert.Equal(Partition, loader.Epoch(3).SelectMany(b => b.ToArray()));
    }

    [Fact]
    public void Epoch_DropLast_DropsTheShortBatch()
    {
        var loader = new BatchLoader(Partition, 10, seed: 1, dropLast: true);

        List<ReadOnlyMemory<int>> batches = loader.Epoch(0).ToList();

        Assert.Equal(10, batches.Count);
        Assert.Equal(100, loader.ExamplesPerEpoch);
        Assert.All(batches, b => Assert.Equal(10, b.Length));
        Assert.Equal(100, batches.SelectMany(b => b.ToArray()).Distinct().Count());
    }

    [Fact]
    public void Epoch_BatchLargerThanData_YieldsOneBatchOrNoneWithDropLast()
    {
        Assert.Single(new BatchLoader(Partition, 500, seed: 1).Epoch(0));
        Assert.Empty(new BatchLoader(Partition, 500, seed: 1, dropLast: true).Epoch(0));
    }

    [Fact]
    public void Constructor_IndicesChangedAfterwards_LoaderKeepsItsCopy()
    {
        int[] indices = [1, 2, 3];
        var loader = new BatchLoader(indices, 2, seed: 1, shuffle: false);
        indices[0] = 99;

        Assert.Equal([1, 2, 3], loader.Order(0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_BatchSizeBelowOne_ThrowsArgumentOutOfRange(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Partition, batchSize, seed: 1));

        Assert.Equal("batchSize", e.ParamName);
    }

    [Fact]
    public void Epoch_NegativeEpoch_ThrowsArgumentOutOfRange()
    {
        var loader = new BatchLoader(Partition, 8, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Order(-1));
    }
}
