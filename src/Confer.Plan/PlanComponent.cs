namespace Confer.Plan;

/// <summary>A component chosen by name from the <see cref="PlanTypeRegistry"/>, with its validated settings.</summary>
/// <param name="Name">The registered name (never an alias), as in the canonical plan.</param>
/// <param name="Settings">The settings, with the schema's defaults filled in.</param>
public sealed record PlanComponent(string Name, PlanSettings Settings);
