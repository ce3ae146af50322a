using Confer.Data;

namespace Confer.Torch.Tests.Infrastructure;

/// <summary>Real Fashion-MNIST, loaded once for the torch collection.</summary>
public sealed class FashionMnistFixture
{
    private readonly Lazy<ImageDataset> _train = new(() => FashionMnist.LoadTrain());
    private readonly Lazy<ImageDataset> _test = new(() => FashionMnist.LoadTest());

    public ImageDataset Train => _train.Value;

    public ImageDataset Test => _test.Value;
}
