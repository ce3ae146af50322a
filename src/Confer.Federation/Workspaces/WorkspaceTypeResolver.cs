using System.Collections.Immutable;
using System.Reflection;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace Confer.Federation.Workspaces;

/// <summary>
/// Resolves the plan's <c>template</c> names that are full type names in a workspace's own
/// assembly: a task runner (<see cref="IPlanTaskRunner"/>), a data loader
/// (<see cref="IPlanDataLoader"/>) or a strategy (<see cref="IPlanStrategy"/>). Only the type the
/// plan names is looked up, in that one assembly; it is created with its public parameterless
/// constructor and added to the catalog or strategy registry the hosts run with. A missing type,
/// a type without the contract, or a constructor that throws becomes a plan problem at the
/// template's line that names the type, the assembly and what was expected.
/// </summary>
public sealed class WorkspaceTypeResolver : IPlanTypeResolver
{
    private readonly Assembly _assembly;
    private readonly string _origin;
    private readonly TaskRunnerCatalog _catalog;
    private readonly StrategyRegistry _strategies;
    private readonly Dictionary<(PlanComponentKind, string), PlanTypeRegistration> _resolved = [];

    /// <summary>Creates the resolver.</summary>
    /// <param name="assembly">The workspace's built assembly.</param>
    /// <param name="origin">Where it comes from, for messages, e.g. "code/Hospital.csproj".</param>
    /// <param name="catalog">Receives the task runners and data loaders resolved.</param>
    /// <param name="strategies">Receives the strategies resolved; not <see cref="StrategyRegistry.Default"/>, which is shared.</param>
    public WorkspaceTypeResolver(Assembly assembly, string origin, TaskRunnerCatalog catalog, StrategyRegistry strategies)
    {
        _assembly = assembly ?? throw new ArgumentNullException(nameof(assembly));
        _origin = origin ?? throw new ArgumentNullException(nameof(origin));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _strategies = strategies ?? throw new ArgumentNullException(nameof(strategies));
    }

    private string AssemblyName => _assembly.GetName().Name ?? _assembly.FullName ?? "?";

    /// <inheritdoc/>
    public string Describe() => $"A type of the workspace's own code is named by its full name (namespace and class) in assembly {AssemblyName} ({_origin}).";

    /// <inheritdoc/>
    public PlanTypeRegistration? Resolve(PlanComponentKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Type? contract = kind switch
        {
            PlanComponentKind.TaskRunner => typeof(IPlanTaskRunner),
            PlanComponentKind.DataLoader => typeof(IPlanDataLoader),
            PlanComponentKind.Strategy => typeof(IPlanStrategy),
            _ => null,
        };

        // A name without a dot is a registered name misspelled, not a type: the plan says "unknown" and suggests one.
        if (contract is null || !name.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        if (_resolved.TryGetValue((kind, name), out var known))
        {
            return known;
        }

        object instance = Instantiate(Find(name, contract, kind), contract);
        PlanTypeRegistration registration = Register(kind, name, instance);
        _resolved[(kind, name)] = registration;
        return registration;
    }

    private Type Find(string name, Type contract, PlanComponentKind kind)
    {
        Type? type = _assembly.GetType(name, throwOnError: false, ignoreCase: false);
        if (type is null)
        {
            var candidates = ExportedTypes().Where(contract.IsAssignableFrom).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
            string offer = candidates.Count > 0
                ? $" Its types implementing {contract.Name}: {string.Join(", ", candidates)}."
                : $" It has no type implementing {contract.Name}.";
            throw new PlanTypeResolutionException(
                $"no type '{name}' in assembly {AssemblyName} ({_origin}). Expected a public class implementing {contract.FullName} as the plan's {PlanTypeRegistry.Describe(kind)} (the template is the type's full name, case-sensitive).{offer}");
        }

        if (!contract.IsAssignableFrom(type))
        {
            var has = type.GetInterfaces().Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
            throw new PlanTypeResolutionException(
                $"type {type.FullName} in assembly {AssemblyName} ({_origin}) does not implement {contract.FullName}, which a plan's {PlanTypeRegistry.Describe(kind)} must"
                + (has.Count > 0 ? $" (it implements {string.Join(", ", has)})." : " (it implements no interface)."));
        }

        if (!type.IsPublic && !type.IsNestedPublic || type.IsAbstract || type.IsGenericTypeDefinition || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PlanTypeResolutionException(
                $"type {type.FullName} in assembly {AssemblyName} ({_origin}) must be a public, non-abstract, non-generic class with a public parameterless constructor to be created from the plan.");
        }

        return type;
    }

    private object Instantiate(Type type, Type contract)
    {
        try
        {
            return Activator.CreateInstance(type) ?? throw new PlanTypeResolutionException($"creating {type.FullName} gave nothing.");
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            throw new PlanTypeResolutionException(
                $"the constructor of {type.FullName} (assembly {AssemblyName}, {_origin}) threw {inner.GetType().Name}: {inner.Message} Fix the constructor; a {contract.Name} is created when the plan loads, on the aggregator and on every collaborator.",
                inner);
        }
    }

    private PlanTypeRegistration Register(PlanComponentKind kind, string name, object instance)
    {
        try
        {
            switch (instance)
            {
                case IPlanTaskRunner runner when kind == PlanComponentKind.TaskRunner:
                    var functions = runner.TaskFunctions.ToImmutableDictionary(StringComparer.Ordinal);
                    _catalog.Add(new TaskRunnerRegistration
                    {
                        Name = name,
                        Settings = runner.Settings,
                        TaskFunctions = functions,
                        Create = runner.Create,
                        CreateInitialModel = runner.CreateInitialModel,
                        ClientSettings = [.. runner.ClientSettings],
                        Description = runner.Description,
                    });
                    return new PlanTypeRegistration
                    {
                        Kind = kind,
                        Name = name,
                        Settings = runner.Settings,
                        TaskFunctions = functions,
                        ClientSettings = [.. runner.ClientSettings],
                        Description = runner.Description,
                    };
                case IPlanDataLoader loader when kind == PlanComponentKind.DataLoader:
                    _catalog.AddDataLoader(name, loader);
                    return new PlanTypeRegistration { Kind = kind, Name = name, Settings = loader.Settings, Description = loader.Description };
                case IPlanStrategy strategy when kind == PlanComponentKind.Strategy:
                    var registration = new StrategyRegistration
                    {
                        Name = name,
                        Settings = strategy.Settings,
                        Create = strategy.Create,
                        ClientSettings = [.. strategy.ClientSettings],
                        HoldsEveryUpdate = strategy.HoldsEveryUpdate,
                        Description = strategy.Description,
                    };
                    _strategies.Register(registration);
                    return StrategyRegistry.ToPlanRegistration(registration);
                default:
                    throw new PlanTypeResolutionException($"type {instance.GetType().FullName} is not a {PlanTypeRegistry.Describe(kind)}.");
            }
        }
        catch (Exception ex) when (ex is not PlanTypeResolutionException)
        {
            throw new PlanTypeResolutionException(
                $"{instance.GetType().FullName} (assembly {AssemblyName}, {_origin}) failed while describing itself: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private IEnumerable<Type> ExportedTypes()
    {
        try
        {
            return _assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
