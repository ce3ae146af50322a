using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation.Controllers;

/// <summary>How a <see cref="RoundController"/> runs a federation (Flower's <c>ServerConfig</c> and more).</summary>
public sealed class RoundControllerOptions
{
    private readonly int _rounds = 1;
    private readonly int _maxParallelClients = Environment.ProcessorCount;
    private readonly TimeSpan? _roundTimeout;

    /// <summary>The number of rounds; at least 1. Default 1.</summary>
    public int Rounds
    {
        get => _rounds;
        init => _rounds = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Rounds), value, "A run needs at least one round.");
    }

    /// <summary>The most client tasks running at once; at least 1. Default: the number of processor cores.</summary>
    public int MaxParallelClients
    {
        get => _maxParallelClients;
        init => _maxParallelClients = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxParallelClients), value, "At least one client task must be able to run.");
    }

    /// <summary>
    /// The longest a round's fit phase, and separately its evaluate phase, may take; a client task
    /// not finished by then becomes a <see cref="FailureReason.Timeout"/> failure. Default
    /// <see langword="null"/>: no limit.
    /// </summary>
    public TimeSpan? RoundTimeout
    {
        get => _roundTimeout;
        init => _roundTimeout = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RoundTimeout), value, "A round timeout must be positive (or null for none).");
    }

    /// <summary>The seed of client sampling: the same seed selects the same clients in every round. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The clock for timeouts and round durations. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the controller logs. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Receives progress after each client task, phase and round; called from worker threads. Default none.</summary>
    public IProgress<RoundProgress>? Progress { get; init; }
}
