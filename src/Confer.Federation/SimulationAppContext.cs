namespace Confer.Federation;

/// <summary>What an <see cref="ISimulationApp"/> is told about the run.</summary>
/// <param name="ClientCount">The number of virtual clients.</param>
/// <param name="Rounds">The number of rounds.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Settings">Free-form settings from the command line (<c>--set key=value</c>), Flower's <c>run_config</c>.</param>
public sealed record SimulationAppContext(int ClientCount, int Rounds, int Seed, ConfigRecord Settings);
