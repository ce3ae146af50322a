namespace Confer.Torch;

/// <summary>Process-wide settings of the native torch runtime, applied by <see cref="TorchRuntime.Configure"/>.</summary>
public sealed record TorchRuntimeOptions
{
    /// <summary>
    /// Intra-op threads for torch operators. Default: <see cref="Environment.ProcessorCount"/>
    /// (libtorch's own default counts physical cores and may use fewer).
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// How training uses oneDNN. Default: the <c>CONFER_TORCH_ONEDNN_TRAINING</c> environment
    /// variable (<c>forward-only</c>, <c>disabled</c> or <c>libtorch-default</c>) when set,
    /// otherwise <see cref="OneDnnTrainingMode.ForwardOnly"/>.
    /// </summary>
    public OneDnnTrainingMode? OneDnnTraining { get; init; }
}
