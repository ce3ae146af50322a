using Confer.Core;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>Feeds hand-made results to a strategy's fit aggregation, as the controller would.</summary>
internal static class StrategyDriver
{
    public static FitAggregate AggregateFit(IStrategy strategy, int round, ModelState global, IReadOnlyList<ClientFailure>? failures, params (float[] W, long Examples)[] results)
    {
        IFitAggregation aggregation = strategy.BeginAggregateFit(round, global);
        for (int i = 0; i < results.Length; i++)
        {
            aggregation.Add($"c{i}", new FitResult(States.Vector(results[i].W), results[i].Examples, MetricRecord.Of("train_loss", i + 1)));
        }

        return aggregation.Complete(failures ?? []);
    }
}
