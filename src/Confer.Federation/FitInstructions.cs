using Confer.Core;

namespace Confer.Federation;

/// <summary>A fit task for one client (Flower's <c>FitIns</c>): the global model and the round's configuration.</summary>
/// <param name="Parameters">The global model; shared read-only by every client of the round.</param>
/// <param name="Config">The fit configuration.</param>
public sealed record FitInstructions(ModelState Parameters, ConfigRecord Config);
