using Confer.Federation.Clients;
using Confer.Federation.Strategies;

namespace Confer.Federation;

/// <summary>
/// A client + strategy pair packaged in an assembly for <c>confer simulate --app</c> (Flower's
/// <c>ClientApp</c> and <c>ServerApp</c>). The type needs a public parameterless constructor.
/// </summary>
public interface ISimulationApp
{
    /// <summary>Creates the factory of virtual clients.</summary>
    /// <param name="context">The run's clients, rounds, seed and settings.</param>
    /// <returns>The client factory.</returns>
    ClientFactory CreateClientFactory(SimulationAppContext context);

    /// <summary>Creates the strategy, or returns <see langword="null"/> to use the one chosen on the command line.</summary>
    /// <param name="context">The run's clients, rounds, seed and settings.</param>
    /// <returns>The strategy, or <see langword="null"/>.</returns>
    IStrategy? CreateStrategy(SimulationAppContext context);
}
