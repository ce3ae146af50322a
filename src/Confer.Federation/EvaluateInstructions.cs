using Confer.Core;

namespace Confer.Federation;

/// <summary>An evaluate task for one client (Flower's <c>EvaluateIns</c>): the global model and the round's configuration.</summary>
/// <param name="Parameters">The global model; shared read-only by every client of the round.</param>
/// <param name="Config">The evaluate configuration.</param>
public sealed record EvaluateInstructions(ModelState Parameters, ConfigRecord Config);
