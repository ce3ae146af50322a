using System.Diagnostics;
using Confer.Data.Tests.Infrastructure;

namespace Confer.Data.Tests;

public sealed class FashionMnistTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void FindDirectory_ConfiguredFolderHoldsFiles_PrefersItOverEnvironmentAndSystem()
    {
        string configured = _temp.File("configured");
        string root = _temp.File("root");
        IdxFiles.WriteFashionMnist(configured, 3, 2);
        IdxFiles.WriteFashionMnist(Path.Combine(root, "fashion-mnist"), 3, 2);

        string found = FashionMnist.FindDirectory(configured, Environment(root), _temp.File("system"));

        Assert.Equal(configured, found);
    }

    [Fact]
    public void FindDirectory_EnvironmentNamesDataRoot_UsesItsFashionMnistFolder()
    {
        string root = _temp.File("root");
        IdxFiles.WriteFashionMnist(Path.Combine(root, "fashion-mnist"), 3, 2);

        string found = FashionMnist.FindDirectory(null, Environment(root), _temp.File("system"));

        Assert.Equal(Path.Combine(root, "fashion-mnist"), found);
    }

    [Fact]
    public void FindDirectory_EnvironmentNamesFolderItself_UsesIt()
    {
        string folder = _temp.File("fmnist");
        IdxFiles.WriteFashionMnist(folder, 3, 2);

        string found = FashionMnist.FindDirectory(null, Environment(folder), _temp.File("system"));

        Assert.Equal(folder, found);
    }

    [Fact]
    public void FindDirectory_ConfiguredFolderMissing_FallsBackToSystemFolder()
    {
        string system = _temp.File("system");
        IdxFiles.WriteFashionMnist(system, 3, 2);

        string found = FashionMnist.FindDirectory(_temp.File("nowhere"), Environment(null), system);

        Assert.Equal(system, found);
    }

    [Fact]
    public void FindDirectory_NothingFound_ThrowsListingEveryPlaceAndTheInstallCommand()
    {
        string partial = _temp.File("partial");
        Directory.CreateDirectory(partial);
        File.WriteAllBytes(Path.Combine(partial, "train-images-idx3-ubyte.gz"), IdxFiles.Gzip(IdxFiles.Encode([0, 28, 28], [])));
        string system = _temp.File("system");

        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.FindDirectory(_temp.File("configured"), Environment(partial), system));

        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("CONFER_DATA", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing train-labels-idx1-ubyte.gz", e.Message, StringComparison.Ordinal);
        Assert.Equal(
            [_temp.File("configured"), Path.Combine(_temp.File("configured"), "fashion-mnist"), Path.Combine(partial, "fashion-mnist"), partial, system],
            e.SearchedDirectories);
        foreach (string directory in e.SearchedDirectories)
        {
            Assert.Contains(directory, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_SmallFolder_ReturnsNamedDatasetsOfBothSplits()
    {
        string folder = _temp.File("small");
        IdxFiles.WriteFashionMnist(folder, 12, 5);

        ImageDataset train = FashionMnist.Load("train", folder, Environment(null), _temp.File("system"));
        ImageDataset test = FashionMnist.Load("test", folder, Environment(null), _temp.File("system"));

        Assert.Equal(12, train.Count);
        Assert.Equal(5, test.Count);
        Assert.Equal("fashion-mnist/train", train.Name);
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
        Assert.Equal(IdxFiles.Pixels(12, 28, 28).AsSpan(3 * 784, 784).ToArray(), train.Image(3).ToArray());
    }

    [Fact]
    public void Load_ImageAndLabelCountsDiffer_ThrowsIdxFormatException()
    {
        string folder = _temp.File("mismatch");
        IdxFiles.WriteFashionMnist(folder, trainCount: 12, testCount: 5, trainLabelCount: 11);

        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load("train", folder, Environment(null), _temp.File("system")));

        Assert.Contains("12 images", e.Message, StringComparison.Ordinal);
        Assert.Contains("11 labels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongImageSize_ThrowsNamingTheSize()
    {
        string folder = _temp.File("wrong");
        IdxFiles.WriteFashionMnist(folder, 2, 2);
        IdxFiles.Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), IdxFiles.Encode([2, 32, 32], IdxFiles.Pixels(2, 32, 32)), gzip: true);

        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load("test", folder, Environment(null), _temp.File("system")));

        Assert.Contains("1×32×32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UncompressedFiles_AreFound()
    {
        string folder = _temp.File("raw");
        Directory.CreateDirectory(folder);
        IdxFiles.Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxFiles.Encode([1, 28, 28], IdxFiles.Pixels(1, 28, 28)), gzip: false);
        IdxFiles.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxFiles.Encode([1], [9]), gzip: false);

        ImageDataset test = FashionMnist.Load("test", folder, Environment(null), _temp.File("system"));

        Assert.Equal(9, test.Label(0));
    }

    [FashionMnistFact]
    public void LoadTrainAndTest_RealFiles_HaveSixtyAndTenThousandImagesBalancedOverClasses()
    {
        var clock = Stopwatch.StartNew();
        ImageDataset train = FashionMnist.LoadTrain();
        TimeSpan trainTime = clock.Elapsed;
        ImageDataset test = FashionMnist.LoadTest();

        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal((1, 28, 28, 10), (train.Channels, train.Height, train.Width, train.ClassCount));
        Assert.All(train.ClassHistogram(), count => Assert.Equal(6_000, count));
        Assert.All(test.ClassHistogram(), count => Assert.Equal(1_000, count));
        Assert.Equal("Ankle boot", train.ClassNames[9]);

        // Generous bound: the target is well under a second, but CI machines are noisy.
        Assert.True(trainTime < TimeSpan.FromSeconds(5), $"Loading the training set took {trainTime}.");
    }

    [FashionMnistFact]
    public void LoadTest_RealFiles_FirstImagesMatchKnownLabels()
    {
        ImageDataset test = FashionMnist.LoadTest();

        // The published first test labels: Ankle boot, Pullover, Trouser, Trouser, Shirt.
        Assert.Equal([9, 2, 1, 1, 6], Enumerable.Range(0, 5).Select(test.Label));
        Assert.Contains(test.Image(0).ToArray(), b => b > 0);
    }

    private static Func<string, string?> Environment(string? confer) =>
        name => name == FashionMnist.EnvironmentVariable ? confer : null;
}
