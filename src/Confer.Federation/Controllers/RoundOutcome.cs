using Confer.Core;

namespace Confer.Federation.Controllers;

/// <summary>One aggregated round, as an <see cref="IRoundListener"/> sees it.</summary>
/// <param name="Record">The round's record.</param>
/// <param name="Input">The global model the round started from.</param>
/// <param name="Output">The global model after the round.</param>
/// <param name="BestScore">The best score so far (this round's included), or null when the run judges none.</param>
/// <param name="IsNewBest">Whether this round's score is the best so far; the best model is then <see cref="BestModel"/>.</param>
/// <param name="BestModel">The model the score judged (<paramref name="Input"/> or <paramref name="Output"/>, by <see cref="BestModelCriterion.JudgesRoundInput"/>).</param>
public sealed record RoundOutcome(RoundRecord Record, ModelState Input, ModelState Output, double? BestScore, bool IsNewBest, ModelState BestModel);
