using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>
/// A loaded, validated plan: every section typed, defaults merged, names resolved through the
/// <see cref="PlanTypeRegistry"/>, plus the authorized collaborators and their data. Only
/// <see cref="PlanLoader"/> creates one, so <see cref="CanonicalYaml"/> and <see cref="Hash"/>
/// always describe exactly the settings it holds.
/// </summary>
public sealed class FederationPlan
{
    internal FederationPlan(string workspaceDirectory, string planFile)
    {
        WorkspaceDirectory = workspaceDirectory;
        PlanFile = planFile;
    }

    /// <summary>The workspace folder the plan was loaded from (full path).</summary>
    public string WorkspaceDirectory { get; }

    /// <summary>The plan file, relative to the workspace (default <c>plan/plan.yaml</c>).</summary>
    public string PlanFile { get; }

    /// <summary>The <c>aggregator</c> section.</summary>
    public required AggregatorSettings Aggregator { get; init; }

    /// <summary>The <c>collaborator</c> section.</summary>
    public required CollaboratorSettings Collaborator { get; init; }

    /// <summary>The <c>data_loader</c> section.</summary>
    public required DataLoaderPlan DataLoader { get; init; }

    /// <summary>The <c>task_runner</c> section.</summary>
    public required PlanComponent TaskRunner { get; init; }

    /// <summary>The <c>network</c> section.</summary>
    public required NetworkSettings Network { get; init; }

    /// <summary>The <c>assigner</c> section.</summary>
    public required AssignerPlan Assigner { get; init; }

    /// <summary>The <c>tasks</c> section, by task name in ordinal order.</summary>
    public required ImmutableSortedDictionary<string, TaskPlan> Tasks { get; init; }

    /// <summary>The <c>strategy</c> section: the aggregation (default <c>fedavg</c>).</summary>
    public required PlanComponent Strategy { get; init; }

    /// <summary>The <c>straggler_handling_policy</c> section (default <c>WaitForAll</c>).</summary>
    public required StragglerPolicy StragglerPolicy { get; init; }

    /// <summary>The collaborators authorized by <c>plan/cols.yaml</c>, in file order; empty when the file is absent. Not part of the hash.</summary>
    public required ImmutableArray<string> AuthorizedCollaborators { get; init; }

    /// <summary>Each collaborator's data from <c>plan/data.yaml</c>, by name; empty when the file is absent. Not part of the hash.</summary>
    public required ImmutableSortedDictionary<string, CollaboratorData> CollaboratorData { get; init; }

    /// <summary>The canonical form of the plan (see docs/plan.md): defaults merged, keys sorted, scalars normalized.</summary>
    public required string CanonicalYaml { get; init; }

    /// <summary>The canonical plan as a value tree, for rendering.</summary>
    internal PlanValue CanonicalValue { get; init; } = PlanValue.Null;

    /// <summary>
    /// The federation id: the lowercase hex SHA-384 of <see cref="CanonicalYaml"/>'s UTF-8 bytes, and,
    /// when the workspace has its own code, of <see cref="CodeHash"/> after it
    /// (<see cref="PlanLoader.ComputeHash(string, string?)"/>), so two nodes with different code are two federations.
    /// </summary>
    public required string Hash { get; init; }

    /// <summary>The hash of the workspace's <c>code/</c> project (<see cref="WorkspaceCodeHash"/>), or <see langword="null"/> when it has none.</summary>
    public string? CodeHash { get; init; }

    /// <summary>What in the plan loads but has no effect in Confer (OpenFL keys with no use here), with where and why; empty for most plans.</summary>
    public ImmutableArray<PlanWarning> Warnings { get; init; } = [];

    /// <summary>The hash recorded by <c>confer plan freeze</c>, or <see langword="null"/> when the plan is not frozen.</summary>
    public string? FrozenHash { get; init; }

    /// <summary>Whether the plan was frozen (a hash file lies beside it). A loaded frozen plan always has <see cref="Hash"/> equal to <see cref="FrozenHash"/>.</summary>
    public bool IsFrozen => FrozenHash is not null;

    /// <summary>Whether <paramref name="collaborator"/> is in <c>plan/cols.yaml</c>.</summary>
    /// <param name="collaborator">The collaborator's name (its certificate's common name).</param>
    /// <returns>Whether it is authorized.</returns>
    public bool IsAuthorized(string collaborator) => AuthorizedCollaborators.Contains(collaborator, StringComparer.Ordinal);
}
