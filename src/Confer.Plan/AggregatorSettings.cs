namespace Confer.Plan;

/// <summary>The plan's <c>aggregator.settings</c>.</summary>
/// <param name="InitStatePath">Where the initial model state is read from, relative to the workspace (<c>init_state_path</c>, default <c>save/init.pbuf</c>).</param>
/// <param name="BestStatePath">Where the best model state is saved (<c>best_state_path</c>, default <c>save/best.pbuf</c>).</param>
/// <param name="LastStatePath">Where the last model state is saved every round (<c>last_state_path</c>, default <c>save/last.pbuf</c>).</param>
/// <param name="RoundsToTrain">The number of rounds, at least 1 (<c>rounds_to_train</c>, required).</param>
/// <param name="WriteLogs">Whether per-round metrics are also written to <c>logs/</c> (<c>write_logs</c>, default <see langword="false"/>).</param>
/// <param name="MaxAggregationMemory">
/// The most memory, in bytes, a strategy that holds every update of a round (median, trimmed mean,
/// Krum, geometric median) may need for them: collaborators × model size. A plan over it is
/// refused when the aggregator starts (<c>max_aggregation_memory</c>, default 8 GiB).
/// </param>
public sealed record AggregatorSettings(string InitStatePath, string BestStatePath, string LastStatePath, int RoundsToTrain, bool WriteLogs, long MaxAggregationMemory);
