using Confer.Plan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation;

/// <summary>How <see cref="Simulation"/> runs virtual clients (Flower's <c>start_simulation</c> arguments).</summary>
public sealed record SimulationOptions
{
    /// <summary>The number of virtual clients, named "0" to "n − 1"; ignored when <see cref="ClientIds"/> is set. Default 2.</summary>
    public int ClientCount { get; init; } = 2;

    /// <summary>Names for the virtual clients (e.g. Portland, Seattle, Chandler, Bangalore), in fold order; overrides <see cref="ClientCount"/>. Default none.</summary>
    public IReadOnlyList<string>? ClientIds { get; init; }

    /// <summary>The number of rounds. Default 1.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>The most clients at work at once (each is created, used and released). Default: the number of processor cores.</summary>
    public int MaxParallelClients { get; init; } = Environment.ProcessorCount;

    /// <summary>The time limit of a round's fit phase and, separately, its evaluate phase; <see langword="null"/> (default) for none.</summary>
    public TimeSpan? RoundTimeout { get; init; }

    /// <summary>When a phase may close before every client replied (OpenFL's straggler handling). Default <see cref="StragglerPolicy.WaitForAll"/>.</summary>
    public StragglerPolicy StragglerPolicy { get; init; } = StragglerPolicy.WaitForAll;

    /// <summary>The seed of client sampling. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>The clock for timeouts and round durations. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the engine logs. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Receives progress after each client task and round, from worker threads. Default none.</summary>
    public IProgress<RoundProgress>? Progress { get; init; }
}
