using Confer.Torch;

namespace Confer.Federation.Torch;

/// <summary>
/// Local training settings of a <see cref="TorchClient"/>: the defaults of OpenFL's Fashion-MNIST
/// tutorial. The round's fit configuration overrides them key by key (see <see cref="TorchClient"/>).
/// </summary>
public sealed record TorchClientOptions
{
    /// <summary>Epochs over the client's data per round (config key <c>local_epochs</c>). Default 1.</summary>
    public int LocalEpochs { get; init; } = 1;

    /// <summary>Examples per SGD step (config key <c>batch_size</c>). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>SGD learning rate (config key <c>lr</c>). Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>SGD momentum (config key <c>momentum</c>). Default 0.5.</summary>
    public double Momentum { get; init; } = 0.5;

    /// <summary>FedProx's μ when the configuration has no <c>proximal_mu</c>. Default 0 (plain local SGD).</summary>
    public double ProximalMu { get; init; }

    /// <summary>
    /// FedCurv's λ when the configuration has no <c>importance</c>. Default 0 (no penalty; a global
    /// model with FedCurv tensors still gets this client's Fisher information back).
    /// </summary>
    public double FedCurvImportance { get; init; }

    /// <summary>Seed of the shuffle order, combined with the client's partition and the round. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// When true, each fit first seeds libtorch's process-wide random generator from
    /// <see cref="Seed"/>, the partition and the round, so dropout draws the same masks every time the
    /// same fit runs: a federation of such clients, one per process, repeats bit for bit. Leave it
    /// false when several clients train in one process at once (a simulation): they share that
    /// generator, and reseeding it under another client's feet would not make either repeatable.
    /// Default false.
    /// </summary>
    public bool SeedDropoutPerFit { get; init; }

    /// <summary>Examples per forward pass when evaluating. Default 1000.</summary>
    public int EvaluateBatchSize { get; init; } = 1000;

    /// <summary>
    /// What the optimizer starts from in each fit (OpenFL's <c>opt_treatment</c>):
    /// <see cref="OptimizerTreatment.Reset"/> a fresh optimizer every round;
    /// <see cref="OptimizerTreatment.ContinueLocal"/> the state this client's previous fit left;
    /// <see cref="OptimizerTreatment.ContinueGlobal"/> the state carried by the global parameters
    /// (tensors named <see cref="TorchClient.OptimizerStatePrefix"/> + parameter name), or, when they
    /// carry none, the state this client's previous fit left. Default <see cref="OptimizerTreatment.Reset"/>.
    /// </summary>
    public OptimizerTreatment OptimizerTreatment { get; init; } = OptimizerTreatment.Reset;
}
