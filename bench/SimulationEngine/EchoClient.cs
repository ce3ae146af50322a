using Confer.Core;
using Confer.Federation;
using Confer.Federation.Clients;

namespace SimulationEngine;

/// <summary>A client whose training returns its input unchanged, so only the engine's own work is timed.</summary>
internal sealed class EchoClient(int partition) : Client
{
    public override ModelState GetParameters(ConfigRecord config) => throw new NotSupportedException("The benchmark gives initial parameters.");

    public override FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken) =>
        new(parameters, 1 + (partition % 10));
}
