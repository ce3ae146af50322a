using Confer.Cli.UserCode;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Federation.Workspaces;
using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// What a workspace's plan may name, and what runs it: the built-in assigners, strategies and
/// straggler policies, the task runners and data loaders Confer ships
/// (<see cref="FederationConsole.CreateCatalog"/>), and, when the workspace has its own code, the
/// types of that code the plan names. Plans are checked against the very schemas they run with.
/// </summary>
internal sealed record LifecyclePlanTypes(PlanTypeRegistry Registry, TaskRunnerCatalog Catalog, StrategyRegistry Strategies, WorkspaceCode? Code)
{
    /// <summary>Where <see cref="Load"/> prints the plan's warnings; standard error by default.</summary>
    public Action<string> Warn { get; init; } = Console.Error.WriteLine;

    /// <summary>The built-in plan types only, for a workspace without code of its own.</summary>
    public static PlanTypeRegistry CreateRegistry() => FederationConsole.CreateCatalog().CreatePlanRegistry();

    /// <summary>The plan types of <paramref name="workspaceDirectory"/>, building its code first when it has some.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <param name="report">Where the build says what it did; <see langword="null"/>: standard output.</param>
    /// <param name="warn">Where <see cref="Load"/> prints the plan's warnings; <see langword="null"/>: standard error.</param>
    /// <returns>The registry, catalog and strategies, the code's types resolvable in them.</returns>
    /// <exception cref="LifecycleException">The code does not build.</exception>
    public static LifecyclePlanTypes ForWorkspace(string workspaceDirectory, Action<string>? report = null, Action<string>? warn = null)
    {
        var catalog = FederationConsole.CreateCatalog();
        var strategies = StrategyRegistry.CreateDefault();
        var registry = catalog.CreatePlanRegistry(strategies);
        var code = WorkspaceCode.Load(Path.GetFullPath(workspaceDirectory), report ?? Console.WriteLine);
        if (code is not null)
        {
            registry.Resolver = new WorkspaceTypeResolver(code.Assembly, code.Project, catalog, strategies);
        }

        return new LifecyclePlanTypes(registry, catalog, strategies, code) { Warn = warn ?? Console.Error.WriteLine };
    }

    /// <summary>Loads the plan of <paramref name="workspaceDirectory"/> with these types, printing its warnings.</summary>
    public FederationPlan Load(string workspaceDirectory, PlanLoadOptions? options = null)
    {
        var plan = new PlanLoader(Registry).Load(workspaceDirectory, options);
        foreach (var warning in plan.Warnings)
        {
            Warn(warning.ToString());
        }

        return plan;
    }
}
