using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>
/// One name a plan may use for a component, with the settings it accepts. For a task runner,
/// also the task functions it implements (what a task's <c>function</c> may name) and each
/// function's own <c>kwargs</c>.
/// </summary>
public sealed record PlanTypeRegistration
{
    /// <summary>The kind of component.</summary>
    public required PlanComponentKind Kind { get; init; }

    /// <summary>The name written in the plan's <c>template</c> and in the canonical plan, e.g. <c>torch_cnn</c> or <c>Confer.Torch.MnistTaskRunner</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The settings the component accepts.</summary>
    public required SettingsSchema Settings { get; init; }

    /// <summary>Other names accepted for the same component (e.g. OpenFL's class paths); the canonical plan always uses <see cref="Name"/>. Default none.</summary>
    public ImmutableArray<string> Aliases { get; init; } = [];

    /// <summary>For a task runner: the task functions by name, each with the schema of its function-specific <c>kwargs</c>. Default none.</summary>
    public ImmutableDictionary<string, SettingsSchema> TaskFunctions { get; init; } = ImmutableDictionary<string, SettingsSchema>.Empty;

    /// <summary>
    /// For a strategy: the config keys it sends that collaborators must apply (FedProx's
    /// <c>proximal_mu</c>). For a task runner: the config keys its task functions apply. A plan
    /// whose strategy sends a key its task runner does not apply is refused: the setting would be
    /// sent and ignored. Default none.
    /// </summary>
    public ImmutableArray<string> ClientSettings { get; init; } = [];

    /// <summary>For a strategy: whether it holds every update of a round at once (memory k × model size). Default false.</summary>
    public bool HoldsEveryUpdate { get; init; }

    /// <summary>One line for <c>plan print</c> and documentation; may be empty.</summary>
    public string Description { get; init; } = string.Empty;
}
