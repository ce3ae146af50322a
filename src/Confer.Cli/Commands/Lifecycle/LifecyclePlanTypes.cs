using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The plan type registry the lifecycle commands validate plans with: the built-in assigners,
/// strategies and straggler policies, plus the task runners and data loaders of the catalog the
/// aggregator and collaborators run with (<see cref="FederationConsole.CreateCatalog"/>), so plans
/// are checked against the very schemas they run with.
/// </summary>
internal static class LifecyclePlanTypes
{
    public static PlanTypeRegistry CreateRegistry() => FederationConsole.CreateCatalog().CreatePlanRegistry();
}
