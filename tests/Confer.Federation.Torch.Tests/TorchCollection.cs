namespace Confer.Federation.Torch.Tests;

/// <summary>Torch tests share libtorch's process-wide state (threads, oneDNN switches, the default generator): they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
