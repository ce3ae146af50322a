using Confer.Core;

namespace Confer.Federation.Controllers;

/// <summary>Everything a restarted round controller needs besides the replies its grid kept.</summary>
/// <param name="NextRound">The round to run next, from 1; every earlier round is aggregated.</param>
/// <param name="Global">The global model <paramref name="NextRound"/> starts from.</param>
/// <param name="StrategyState">The strategy's state (<see cref="Strategies.IStatefulStrategy"/>); empty when it keeps none.</param>
/// <param name="StrategySteps">The steps that state reflects.</param>
/// <param name="BestScore">The best score of <see cref="RoundControllerOptions.BestModel"/> so far, or null before any.</param>
public sealed record RoundCheckpoint(int NextRound, ModelState Global, ModelState StrategyState, int StrategySteps, double? BestScore);
