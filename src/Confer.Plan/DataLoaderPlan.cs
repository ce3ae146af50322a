namespace Confer.Plan;

/// <summary>The plan's <c>data_loader</c>.</summary>
/// <param name="Name">The registered data loader name.</param>
/// <param name="BatchSize">The batch size (<c>batch_size</c>, default 32, at least 1).</param>
/// <param name="CollaboratorCount">The number of shards the data is split into (<c>collaborator_count</c>); <see langword="null"/> when not set.</param>
/// <param name="Settings">All settings, including <c>batch_size</c> and <c>collaborator_count</c>, with defaults filled in.</param>
public sealed record DataLoaderPlan(string Name, int BatchSize, int? CollaboratorCount, PlanSettings Settings);
