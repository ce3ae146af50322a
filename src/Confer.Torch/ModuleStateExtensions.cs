using Confer.Core;
using static TorchSharp.torch;

namespace Confer.Torch;

/// <summary>Moves model states in and out of TorchSharp modules: all parameters and buffers, in <c>state_dict</c> order, always as copies.</summary>
public static class ModuleStateExtensions
{
    /// <summary>
    /// Copies every parameter and buffer of <paramref name="module"/> (its <c>state_dict</c>, in
    /// that order) into a new <see cref="ModelState"/>. The result shares no memory with the
    /// module: later training does not change it.
    /// </summary>
    /// <param name="module">The module.</param>
    /// <returns>The model state.</returns>
    public static ModelState GetModelState(this nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Dictionary<string, Tensor> state = module.state_dict();
        var tensors = new List<NamedTensor>(state.Count);
        foreach ((string name, Tensor tensor) in state)
        {
            tensors.Add(TorchTensors.ToNamedTensor(name, tensor));
        }

        return new ModelState(tensors);
    }

    /// <summary>
    /// The names, shapes and element types of <paramref name="module"/>'s <c>state_dict</c> as a
    /// zero-filled model state, without reading the module's values.
    /// </summary>
    /// <param name="module">The module.</param>
    /// <returns>A zero-filled state with the module's layout.</returns>
    public static ModelState GetModelStateLayout(this nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new ModelState(module.state_dict().Select(
            kv => NamedTensor.Zeros(kv.Key, kv.Value.dtype.ToElementType(kv.Key), kv.Value.shape)));
    }

    /// <summary>
    /// Copies <paramref name="state"/> into <paramref name="module"/>'s parameters and buffers.
    /// The state must have exactly the module's names, order, shapes and element types; nothing
    /// is changed otherwise. The module keeps no reference to the state.
    /// </summary>
    /// <param name="module">The module to overwrite.</param>
    /// <param name="state">The values.</param>
    /// <param name="description">What the state is, for the error message (e.g. a file name).</param>
    /// <exception cref="IncompatibleModelStateException">The state does not fit the module; the message names the first mismatching tensor.</exception>
    public static void LoadModelState(this nn.Module module, ModelState state, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        Dictionary<string, Tensor> targets = module.state_dict();
        module.GetModelStateLayout().EnsureCompatible(state, description ?? "the model state");
        foreach ((string name, Tensor target) in targets)
        {
            TorchTensors.CopyInto(state[name], target);
        }
    }
}
