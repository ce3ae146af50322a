namespace Confer.Plan;

/// <summary>
/// Implemented by a workspace's assembly to export the task runners and data loaders (and any
/// compression stages) its plan may name. The host finds the exporter explicitly (a type named
/// in the workspace, never a scan of every type) and hands it the registry.
/// </summary>
public interface IPlanTypeExporter
{
    /// <summary>Registers this assembly's plan components.</summary>
    /// <param name="registry">The registry the plan is loaded with.</param>
    void Register(PlanTypeRegistry registry);
}
