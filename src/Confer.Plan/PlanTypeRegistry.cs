using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Confer.Plan.Internal;

namespace Confer.Plan;

/// <summary>
/// The explicit list of names a plan may use for its components, each with its settings schema.
/// The plan's <c>template</c> values are looked up here (names and aliases, ignoring case); nothing
/// is ever created by reflection from a name in the file. Built-in assigners and straggler
/// policies come with <see cref="CreateDefault"/>; strategies come from Confer.Federation's
/// strategy registry (an <see cref="IPlanTypeExporter"/>), task runners and data loaders from the
/// hosting code or a workspace's <see cref="IPlanTypeExporter"/>.
/// Registration is not thread-safe: register everything before loading plans.
/// </summary>
public sealed class PlanTypeRegistry
{
    private readonly Dictionary<PlanComponentKind, Dictionary<string, PlanTypeRegistration>> _byName = [];
    private readonly Dictionary<PlanComponentKind, List<PlanTypeRegistration>> _registrations = [];
    private bool _registeringBuiltIns;

    /// <summary>A registry with the built-in assigners and straggler policies.</summary>
    /// <returns>The registry.</returns>
    public static PlanTypeRegistry CreateDefault()
    {
        var registry = new PlanTypeRegistry { _registeringBuiltIns = true };
        BuiltInPlanTypes.RegisterAll(registry);
        registry._registeringBuiltIns = false;
        return registry;
    }

    /// <summary>Adds <paramref name="registration"/>.</summary>
    /// <param name="registration">The component's name, aliases and schema.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The name or an alias is already registered for the same kind, task functions are given for another kind than a task runner, or the registration is a straggler policy (the aggregator implements exactly the built-in ones).</exception>
    public PlanTypeRegistry Register(PlanTypeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.Name, nameof(registration));
        if (registration.Kind != PlanComponentKind.TaskRunner && !registration.TaskFunctions.IsEmpty)
        {
            throw new ArgumentException($"Only a task runner declares task functions; '{registration.Name}' is a {registration.Kind}.", nameof(registration));
        }

        if (registration.Kind == PlanComponentKind.StragglerPolicy && !_registeringBuiltIns)
        {
            throw new ArgumentException($"Straggler policies are built in (WaitForAll, CutoffTime, Percentage); '{registration.Name}' cannot be added.", nameof(registration));
        }

        if (!_byName.TryGetValue(registration.Kind, out var byName))
        {
            byName = new Dictionary<string, PlanTypeRegistration>(StringComparer.OrdinalIgnoreCase);
            _byName[registration.Kind] = byName;
            _registrations[registration.Kind] = [];
        }

        string[] names = [registration.Name, .. registration.Aliases];
        foreach (var name in names)
        {
            if (byName.TryGetValue(name, out var existing))
            {
                throw new ArgumentException($"The {Describe(registration.Kind)} name '{name}' is already registered (by '{existing.Name}').", nameof(registration));
            }
        }

        foreach (var name in names)
        {
            byName[name] = registration;
        }

        _registrations[registration.Kind].Add(registration);
        return this;
    }

    /// <summary>Registers a task runner.</summary>
    /// <param name="name">The name plans use in <c>task_runner.template</c>.</param>
    /// <param name="settings">The settings it accepts.</param>
    /// <param name="taskFunctions">The task functions it implements, each with the schema of its own <c>kwargs</c> (<c>apply</c> and <c>metrics</c> are always accepted).</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="clientSettings">The config keys from the strategy its task functions apply (FedProx's <c>proximal_mu</c>); default none.</param>
    /// <returns>This registry.</returns>
    public PlanTypeRegistry RegisterTaskRunner(string name, SettingsSchema settings, IReadOnlyDictionary<string, SettingsSchema> taskFunctions, string description = "", IEnumerable<string>? clientSettings = null)
    {
        ArgumentNullException.ThrowIfNull(taskFunctions);
        return Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.TaskRunner,
            Name = name,
            Settings = settings,
            TaskFunctions = taskFunctions.ToImmutableDictionary(StringComparer.Ordinal),
            ClientSettings = [.. clientSettings ?? []],
            Description = description,
        });
    }

    /// <summary>Registers a data loader. Its settings always also accept <c>batch_size</c> and <c>collaborator_count</c>.</summary>
    /// <param name="name">The name plans use in <c>data_loader.template</c>.</param>
    /// <param name="settings">The loader's own settings.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>This registry.</returns>
    public PlanTypeRegistry RegisterDataLoader(string name, SettingsSchema settings, string description = "") => Register(new PlanTypeRegistration
    {
        Kind = PlanComponentKind.DataLoader,
        Name = name,
        Settings = settings,
        Description = description,
    });

    /// <summary>Lets <paramref name="exporter"/> register its components.</summary>
    /// <param name="exporter">A workspace assembly's exporter.</param>
    /// <returns>This registry.</returns>
    public PlanTypeRegistry Add(IPlanTypeExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        exporter.Register(this);
        return this;
    }

    /// <summary>
    /// Asked for a name no registration has (a type in the workspace's own code); what it resolves is
    /// registered here. <see langword="null"/>: only registered names are known.
    /// </summary>
    public IPlanTypeResolver? Resolver { get; set; }

    /// <summary>
    /// Finds the component registered as <paramref name="name"/> (its name or an alias, ignoring case),
    /// or else the one the <see cref="Resolver"/> resolves, which is then registered.
    /// </summary>
    /// <param name="kind">The kind of component.</param>
    /// <param name="name">The name from the plan.</param>
    /// <param name="registration">The registration, when found.</param>
    /// <returns>Whether the name is known.</returns>
    /// <exception cref="PlanTypeResolutionException">The resolver owns the name but cannot use the type.</exception>
    public bool TryGet(PlanComponentKind kind, string name, [NotNullWhen(true)] out PlanTypeRegistration? registration)
    {
        registration = null;
        if (_byName.TryGetValue(kind, out var byName) && byName.TryGetValue(name, out registration))
        {
            return true;
        }

        if (Resolver?.Resolve(kind, name) is not { } resolved)
        {
            return false;
        }

        if (resolved.Kind != kind || !string.Equals(resolved.Name, name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The plan type resolver answered '{name}' ({kind}) with '{resolved.Name}' ({resolved.Kind}).");
        }

        Register(resolved);
        registration = resolved;
        return true;
    }

    /// <summary>The registered components of <paramref name="kind"/>, in registration order.</summary>
    /// <param name="kind">The kind of component.</param>
    /// <returns>The registrations.</returns>
    public IReadOnlyList<PlanTypeRegistration> GetRegistrations(PlanComponentKind kind) =>
        _registrations.TryGetValue(kind, out var list) ? list.AsReadOnly() : [];

    /// <summary>The names and aliases registered for <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind of component.</param>
    /// <returns>The names.</returns>
    public IReadOnlyList<string> GetNames(PlanComponentKind kind) =>
        _byName.TryGetValue(kind, out var byName) ? [.. byName.Keys] : [];

    /// <summary>How error messages and documentation name a kind, e.g. "task runner".</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The words.</returns>
    public static string Describe(PlanComponentKind kind) => kind switch
    {
        PlanComponentKind.TaskRunner => "task runner",
        PlanComponentKind.DataLoader => "data loader",
        PlanComponentKind.Assigner => "assigner",
        PlanComponentKind.Strategy => "strategy",
        PlanComponentKind.StragglerPolicy => "straggler policy",
        _ => kind.ToString(),
    };
}
