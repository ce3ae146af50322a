using Confer.Federation.TaskRunners;
using Confer.Federation.Torch;
using Confer.Plan;

namespace FashionMnistCnn;

/// <summary>
/// A collaborator's part of Fashion-MNIST: its line in plan/data.yaml is a shard number i (the
/// examples i, i + n, i + 2n, ... of the system copy, n = collaborator_count, as OpenFL's tutorial
/// splits it) or a folder of its own IDX files. Replace it to read your own images.
/// </summary>
public sealed class FashionMnistShards : IPlanDataLoader<FashionMnistPart>
{
    public SettingsSchema Settings => FashionMnistDataLoader.Settings;

    public string Description => FashionMnistDataLoader.Description;

    public FashionMnistPart Load(DataLoaderContext context) => FashionMnistDataLoader.Load(context.Plan, context.CollaboratorName, context.Data);
}
