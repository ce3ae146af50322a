using Confer.Core;

namespace Confer.Torch;

/// <summary>Settings of one training epoch (<see cref="Trainer.TrainEpoch"/>).</summary>
public sealed record TrainOptions
{
    /// <summary>Examples per batch. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Whether to visit the examples in a new random order each epoch. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The shuffling seed; the order of epoch <c>e</c> depends only on this seed and <c>e</c>. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Stop after this many batches (OpenFL's <c>num_batches</c>); <see langword="null"/> runs the whole epoch. Default <see langword="null"/>.</summary>
    public int? MaxBatches { get; init; }

    /// <summary>
    /// FedProx's proximal weight mu: the objective gains mu/2·‖w − w_global‖². 0 (the default)
    /// is plain training.
    /// </summary>
    public double ProximalMu { get; init; }

    /// <summary>
    /// w_global of the proximal term: the model state received at the start of the round. When
    /// <see langword="null"/>, the model's parameters at the start of the call are used.
    /// </summary>
    public ModelState? ProximalReference { get; init; }

    /// <summary>
    /// FedCurv's importance λ (Shoham et al., 2019): the objective gains
    /// λ·Σ(θ²·(U − u) − 2θ·(V − v) + (W − w)) over every trainable parameter θ, with U, V, W from
    /// <see cref="FedCurvGlobal"/> and u, v, w from <see cref="FedCurvLocal"/>. 0 (the default) is
    /// plain training.
    /// </summary>
    public double FedCurvImportance { get; init; }

    /// <summary>
    /// The global U, V, W of the FedCurv penalty: tensors <c>p_u</c>, <c>p_v</c>, <c>p_w</c> of each
    /// trainable parameter <c>p</c> (the global model as received holds them; other tensors are
    /// ignored). Needed when <see cref="FedCurvImportance"/> is above 0. Default <see langword="null"/>.
    /// </summary>
    public ModelState? FedCurvGlobal { get; init; }

    /// <summary>
    /// This collaborator's own u, v, w from its previous round (what it sent, so part of the global
    /// sums), subtracted so the penalty counts only the other collaborators' Fisher information;
    /// <see langword="null"/> (the default) for zeros, a collaborator's first round.
    /// </summary>
    public ModelState? FedCurvLocal { get; init; }

    /// <summary>The forward pass's output kind; <see langword="null"/> takes it from a <see cref="ClassifierNetwork"/>, otherwise assumes logits.</summary>
    public ClassifierOutput? Output { get; init; }
}
