using Confer.Federation.TaskRunners;

namespace Confer.Federation.Torch;

/// <summary>Registers Confer's TorchSharp task runners in a <see cref="TaskRunnerCatalog"/>.</summary>
public static class TaskRunnerCatalogExtensions
{
    /// <summary>Adds the <c>torch_cnn</c> task runner (<see cref="TorchCnnTaskRunner"/>) and the <c>fashion_mnist</c> data loader (<see cref="FashionMnistDataLoader"/>).</summary>
    /// <param name="catalog">The catalog.</param>
    /// <returns>The same catalog.</returns>
    public static TaskRunnerCatalog AddTorch(this TaskRunnerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .Add(TorchCnnTaskRunner.Registration)
            .AddDataLoader(FashionMnistDataLoader.Name, FashionMnistDataLoader.Settings, FashionMnistDataLoader.Description);
    }
}
