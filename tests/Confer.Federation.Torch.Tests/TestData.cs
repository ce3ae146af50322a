using Confer.Data;

namespace Confer.Federation.Torch.Tests;

/// <summary>Small slices of the installed Fashion-MNIST, loaded once.</summary>
internal static class TestData
{
    private static readonly Lazy<ImageDataset> LazyTrain = new(() => FashionMnist.LoadTrain().Take(4000));
    private static readonly Lazy<ImageDataset> LazyTest = new(() => FashionMnist.LoadTest().Take(1000));

    public static ImageDataset Train => LazyTrain.Value;

    public static ImageDataset Test => LazyTest.Value;
}
