namespace Confer.Plan;

/// <summary>
/// Implemented by what exports plan components to a registry: a workspace's assembly (its task
/// runners and data loaders), the task runner catalog, the strategy registry. The host finds a
/// workspace's exporter explicitly (a type named in the workspace, never a scan of every type)
/// and hands it the registry.
/// </summary>
public interface IPlanTypeExporter
{
    /// <summary>Registers this assembly's plan components.</summary>
    /// <param name="registry">The registry the plan is loaded with.</param>
    void Register(PlanTypeRegistry registry);
}
