using System.Globalization;
using Confer.Federation.Strategies;
using Confer.Plan;

namespace Confer.Federation.Plans;

/// <summary>
/// The memory bound of a plan's strategy on the aggregator. The FedAvg family folds one update
/// at a time: a few models' worth, whatever the number of collaborators. A strategy that holds
/// every update (median, trimmed mean, Krum, geometric median) needs k × model size for k
/// collaborators; a plan whose k × model size exceeds <c>aggregator.settings.max_aggregation_memory</c>
/// is refused before anything runs.
/// </summary>
public static class StrategyMemory
{
    /// <summary>The bytes <paramref name="strategy"/> holds for a round's updates, for <paramref name="collaborators"/> collaborators and a model of <paramref name="modelBytes"/> bytes.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="collaborators">The collaborators that may send a model in a round.</param>
    /// <param name="modelBytes">The model's size in bytes.</param>
    /// <returns>The bytes: k × model size, or 0 for a strategy that folds one update at a time.</returns>
    public static long UpdateBytes(StrategyRegistration strategy, int collaborators, long modelBytes)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.HoldsEveryUpdate ? checked(collaborators * modelBytes) : 0;
    }

    /// <summary>Refuses <paramref name="plan"/> when its strategy's updates would exceed the plan's limit.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="strategy">Its strategy's registration.</param>
    /// <param name="initialModelPath">The initial model file; its size stands for the model's (a missing file is the caller's to report).</param>
    /// <exception cref="InvalidOperationException">The updates would exceed the limit; the message gives both numbers and what to do.</exception>
    public static void EnsureWithinLimit(FederationPlan plan, StrategyRegistration strategy, string initialModelPath)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(strategy);
        if (!strategy.HoldsEveryUpdate || !File.Exists(initialModelPath))
        {
            return;
        }

        int collaborators = plan.AuthorizedCollaborators.Length;
        long model = new FileInfo(initialModelPath).Length;
        long needed = UpdateBytes(strategy, collaborators, model);
        long limit = plan.Aggregator.MaxAggregationMemory;
        if (needed > limit)
        {
            string figures = string.Create(CultureInfo.InvariantCulture, $"{collaborators} collaborators × {model:N0} bytes of model = {needed:N0} bytes, above aggregator.settings.max_aggregation_memory ({limit:N0} bytes)");
            throw new InvalidOperationException(
                $"The strategy '{strategy.Name}' holds every update of a round: {figures}. "
                + "Raise the limit if the aggregator has the memory, or choose a strategy that folds one update at a time (fedavg, fedavgm, fedprox, fedcurv, fedadam, fedyogi, fedadagrad).");
        }
    }
}
