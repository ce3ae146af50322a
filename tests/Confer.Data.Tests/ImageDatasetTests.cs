namespace Confer.Data.Tests;

public sealed class ImageDatasetTests
{
    private static ImageDataset Tiny() =>
        new("tiny", 1, 2, 2, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), [0, 1, 1, 2], 3);

    [Fact]
    public void WithClassNames_Names_SharesPixelsAndCarriesNamesIntoSubsets()
    {
        ImageDataset named = Tiny().WithClassNames(["cat", "dog", "fox"]);

        ImageDataset subset = named.Subset([3, 1]);

        Assert.Equal(["cat", "dog", "fox"], subset.ClassNames);
        Assert.Equal(new byte[] { 12, 13, 14, 15 }, subset.Image(0).ToArray());
        Assert.Equal([2, 1], [subset.Label(0), subset.Label(1)]);
        Assert.Equal(["cat", "dog", "fox"], named.Take(2).ClassNames);
    }

    [Fact]
    public void WithClassNames_WrongCount_ThrowsNamingCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Tiny().WithClassNames(["cat", "dog"]));

        Assert.Contains("3 classes but 2 class names", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassNames_Default_IsEmpty()
    {
        Assert.Empty(Tiny().ClassNames);
    }

    [Fact]
    public void ClassHistogram_Labels_CountsEachClass()
    {
        Assert.Equal([1, 2, 1], Tiny().ClassHistogram());
    }

    [Fact]
    public void Subset_PartitionFromPartitioner_HoldsThoseImages()
    {
        ImageDataset dataset = Tiny();
        IReadOnlyList<int[]> parts = DataPartitioner.Strided(dataset.Count, 2);

        ImageDataset second = dataset.Subset(parts[1]);

        Assert.Equal([0, 1, 1], second.ClassHistogram());
        Assert.Equal(dataset.Image(3).ToArray(), second.Image(1).ToArray());
    }
}
