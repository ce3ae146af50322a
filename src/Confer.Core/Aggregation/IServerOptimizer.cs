namespace Confer.Core.Aggregation;

/// <summary>
/// A server-side optimizer (Reddi et al. 2021, "Adaptive Federated Optimization"): it treats the
/// pseudo-gradient Δ = aggregated − global (the aggregated model minus the current global model)
/// as a gradient step and applies its own update rule to produce the next global model. It keeps
/// state across rounds (moments), which <see cref="ExportState"/> returns as a model state so it
/// can be saved with the global model and restored after a restart.
/// </summary>
/// <remarks>
/// Only floating-point tensors are optimized. Integer and bool tensors (e.g. BatchNorm's
/// <c>num_batches_tracked</c>) take the aggregated value as is, and have no optimizer state.
/// </remarks>
public interface IServerOptimizer
{
    /// <summary>The number of steps taken so far (the number of rounds aggregated).</summary>
    int StepCount { get; }

    /// <summary>Applies one server step and returns the new global model; the optimizer's state advances.</summary>
    /// <param name="global">The current global model, x_t.</param>
    /// <param name="aggregated">The aggregated client models of this round (e.g. their weighted mean), with <paramref name="global"/>'s layout.</param>
    /// <param name="round">The round, from 1, for a rule that depends on it (FedAdam's bias correction); null for <see cref="StepCount"/> + 1.</param>
    /// <returns>The new global model, x_{t+1}. Inputs are not modified.</returns>
    /// <exception cref="UpdateRejectedException"><paramref name="aggregated"/> has another layout or a non-finite value; the state is unchanged.</exception>
    /// <exception cref="IncompatibleModelStateException">Restored state does not match <paramref name="global"/>.</exception>
    ModelState Step(ModelState global, ModelState aggregated, int? round = null);

    /// <summary>
    /// A copy of the optimizer's state as one model state, with tensor names prefixed by the
    /// buffer name (e.g. <c>m/conv1.weight</c>, <c>v/conv1.weight</c>); empty before the first step.
    /// </summary>
    /// <returns>The state, ready for <see cref="ModelStateSerializer.Save"/>.</returns>
    ModelState ExportState();

    /// <summary>Restores state produced by <see cref="ExportState"/> (e.g. after an aggregator restart).</summary>
    /// <param name="state">The exported state; empty means "no step taken yet".</param>
    /// <param name="stepCount">The number of steps that state reflects.</param>
    /// <exception cref="ModelStateException">The state holds tensors this optimizer does not use.</exception>
    void ImportState(ModelState state, int stepCount);
}
