namespace Confer.Plan;

/// <summary>Where <see cref="PlanLoader"/> finds the plan's files inside a workspace.</summary>
public sealed record PlanLoadOptions
{
    /// <summary>The default options.</summary>
    public static PlanLoadOptions Default { get; } = new();

    /// <summary>The plan, relative to the workspace. Default <c>plan/plan.yaml</c>.</summary>
    public string PlanFile { get; init; } = "plan/plan.yaml";

    /// <summary>The authorized collaborators list, relative to the workspace; an absent file authorizes nobody. Default <c>plan/cols.yaml</c>.</summary>
    public string CollaboratorsFile { get; init; } = "plan/cols.yaml";

    /// <summary>The collaborators' data paths or shards, relative to the workspace; may be absent. Default <c>plan/data.yaml</c>.</summary>
    public string DataFile { get; init; } = "plan/data.yaml";

    /// <summary>Whether loading a frozen plan whose hash changed throws <see cref="PlanFrozenException"/>. Default <see langword="true"/>; only <c>plan freeze</c> itself turns it off.</summary>
    public bool VerifyFrozenHash { get; init; } = true;
}
