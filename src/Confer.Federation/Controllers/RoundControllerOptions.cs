using Confer.Plan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation.Controllers;

/// <summary>How a <see cref="RoundController"/> runs a federation (Flower's <c>ServerConfig</c>, OpenFL's aggregator settings).</summary>
public sealed class RoundControllerOptions
{
    private readonly int _rounds = 1;
    private readonly TimeSpan? _roundTimeout;

    /// <summary>The number of rounds; at least 1. Default 1.</summary>
    public int Rounds
    {
        get => _rounds;
        init => _rounds = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Rounds), value, "A run needs at least one round.");
    }

    /// <summary>
    /// The longest a round's training phase, and separately its evaluation phase, may take; a task
    /// without a reply by then is withdrawn and becomes a <see cref="Messages.ReasonCode.Timeout"/>
    /// failure. Default <see langword="null"/>: no limit.
    /// </summary>
    public TimeSpan? RoundTimeout
    {
        get => _roundTimeout;
        init => _roundTimeout = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RoundTimeout), value, "A round timeout must be positive (or null for none).");
    }

    /// <summary>
    /// When a phase may close before every node replied (OpenFL's straggler handling): the nodes
    /// still out are withdrawn and their late replies refused. Default <see cref="StragglerPolicy.WaitForAll"/>.
    /// </summary>
    public StragglerPolicy StragglerPolicy { get; init; } = StragglerPolicy.WaitForAll;

    /// <summary>The seed of node sampling: the same seed selects the same nodes in every round. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Where the commit point of each round is kept; <see langword="null"/> (default) keeps none: a stopped run starts over.</summary>
    public IRoundCheckpointStore? Checkpoints { get; init; }

    /// <summary>Told what each round commits (best and last model files, the metrics file); default none.</summary>
    public IRoundListener? Listener { get; init; }

    /// <summary>How the best model is judged; <see langword="null"/> (default) judges none.</summary>
    public BestModelCriterion? BestModel { get; init; }

    /// <summary>The clock for timeouts, straggler cut-offs and round durations. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the controller logs. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Receives progress after each reply, phase and round; called from worker threads. Default none.</summary>
    public IProgress<RoundProgress>? Progress { get; init; }
}
