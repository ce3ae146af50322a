namespace Confer.Plan;

/// <summary>The plan's <c>collaborator.settings</c>.</summary>
/// <param name="DeltaUpdates">Whether <c>train</c> uploads the difference from the global model rather than the model (<c>delta_updates</c>, default <see langword="false"/>).</param>
/// <param name="OptTreatment">The optimizer state's treatment between rounds (<c>opt_treatment</c>, default <c>RESET</c>).</param>
public sealed record CollaboratorSettings(bool DeltaUpdates, OptTreatment OptTreatment);
