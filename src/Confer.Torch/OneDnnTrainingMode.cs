namespace Confer.Torch;

/// <summary>
/// How training uses oneDNN (mkldnn), libtorch's CPU kernel library. With libtorch 2.10
/// (oneDNN 3.7.1) on AVX-512 CPUs, oneDNN's convolution backward pass intermittently produces
/// non-finite gradients, so training must keep it out of the backward pass; see docs/torch.md.
/// </summary>
public enum OneDnnTrainingMode
{
    /// <summary>
    /// oneDNN runs the forward pass and is switched off for the backward pass, so convolution
    /// gradients come from libtorch's own kernels. Correct, and the fastest correct setting
    /// measured. The default.
    /// </summary>
    ForwardOnly = 0,

    /// <summary>oneDNN is switched off for the whole training step (forward and backward).</summary>
    Disabled = 1,

    /// <summary>
    /// libtorch's own choice (oneDNN everywhere). Known to produce NaN weights on AVX-512 CPUs
    /// with libtorch 2.10; exists to re-check a new libtorch, never as a production setting.
    /// </summary>
    LibTorchDefault = 2,
}
