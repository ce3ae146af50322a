namespace Confer.Torch.Tests.Infrastructure;

/// <summary>
/// All torch tests share libtorch's process-wide state (threads, the oneDNN switch, the default
/// generator), so they run one after another in this collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection : ICollectionFixture<FashionMnistFixture>
{
    public const string Name = "Torch";
}
