namespace Confer.Federation.Grpc.Internal;

/// <summary>What survives an aggregator restart besides the stored results: the next round to run and the best score so far.</summary>
internal sealed record FederationProgress(string PlanHash, int NextRound, double? BestScore);
