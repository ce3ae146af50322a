using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The round checkpoint (<c>save/federation/checkpoint.pbuf</c>), written atomically as one file
/// when a round is aggregated (and once before round 0): everything a restarted aggregator needs
/// besides the stored results of the next round. It is the commit point of a round; <c>last</c>
/// and <c>best</c> are views of it, rewritten from it when a crash left them behind.
/// </summary>
/// <param name="PlanHash">The federation the checkpoint belongs to.</param>
/// <param name="NextRound">The round to run next (every earlier round is aggregated).</param>
/// <param name="BestScore">The best validation score so far, or null before any.</param>
/// <param name="Global">The global model of <paramref name="NextRound"/>.</param>
/// <param name="OptimizerState">The server optimizer's state (<see cref="Confer.Core.Aggregation.IServerOptimizer.ExportState"/>); empty when there is none.</param>
/// <param name="OptimizerSteps">The server optimizer's step count.</param>
internal sealed record FederationProgress(string PlanHash, int NextRound, double? BestScore, ModelState Global, ModelState OptimizerState, int OptimizerSteps);
