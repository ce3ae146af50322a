namespace Confer.Federation.Controllers;

/// <summary>How the round controller judges which round's model is the best so far.</summary>
/// <param name="Description">What is judged, for logs (e.g. <c>aggregated_model_validation/acc</c>).</param>
/// <param name="Score">The round's score from its record, or <see langword="null"/> when the round has none.</param>
/// <param name="HigherIsBetter">Whether a higher score is better (false for a loss).</param>
/// <param name="JudgesRoundInput">
/// Whether the score measures the model the round started from (OpenFL's
/// <c>aggregated_model_validation</c>, run on the global model before training) rather than the
/// one it produced (a Flower-style evaluation after aggregation).
/// </param>
public sealed record BestModelCriterion(string Description, Func<RoundRecord, double?> Score, bool HigherIsBetter, bool JudgesRoundInput);
