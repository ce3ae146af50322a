using Confer.Core.Aggregation;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Strategies;

public class RobustStrategiesTests
{
    [Fact]
    public void FedMedian_OneOutlier_TakesTheMiddleValue()
    {
        TrainAggregate result = StrategyDriver.AggregateFit(new FedMedian(), 1, States.Vector(0f, 0f), null, ([1f, 5f], 1), ([10f, 6f], 100), ([1000f, 7f], 1));

        Assert.Equal([10f, 6f], States.Values(result.Parameters!));
    }

    [Fact]
    public void FedTrimmedAvg_CutsOneFromEachEndOfFive()
    {
        var strategy = new FedTrimmedAvg { Beta = 0.2 };

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), null, ([1f], 1), ([2f], 1), ([3f], 1), ([4f], 1), ([100f], 1));

        Assert.Equal(3f, States.Values(result.Parameters!)[0], 5);
    }

    [Fact]
    public void Krum_OneByzantineClient_PicksAnHonestUpdate()
    {
        var strategy = new Krum { NumMaliciousClients = 1 };

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f, 0f), null, ([0f, 0f], 1), ([0.1f, 0f], 1), ([0f, 0.1f], 1), ([0.05f, 0.05f], 1), ([100f, 100f], 1));

        // [0.05, 0.05] is closest to its 2 nearest neighbours.
        Assert.Equal([0.05f, 0.05f], States.Values(result.Parameters!));
        Assert.Equal("Krum", strategy.Name);
    }

    [Fact]
    public void MultiKrum_KeepsTheBestTwoAndAveragesThemByExamples()
    {
        var strategy = new Krum { NumMaliciousClients = 1, NumClientsToKeep = 2 };

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), null, ([0f], 1), ([1f], 3), ([1.2f], 1), ([50f], 1), ([100f], 1));

        // Scores with n − f − 2 = 2 neighbours: 0 → 1 + 1.44, 1 → 1 + 0.04, 1.2 → 0.04 + 1.44; keep 1 and 1.2.
        Assert.Equal(((1f * 3) + (1.2f * 1)) / 4, States.Values(result.Parameters!)[0], 5);
        Assert.Equal("MultiKrum", strategy.Name);
    }

    [Fact]
    public void FedMedian_NonFiniteUpdate_IsRejectedWhenAdded()
    {
        ITrainAggregation aggregation = new FedMedian().BeginAggregateTrain(1, States.Vector(0f));

        var rejected = Assert.Throws<UpdateRejectedException>(() => aggregation.Add(StrategyDriver.Reply("c0", 1, States.Vector(float.NaN), 1)));

        Assert.Equal(UpdateRejectionReason.NonFiniteValue, rejected.Reason);
    }

    [Fact]
    public void FedTrimmedAvg_BetaOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedTrimmedAvg { Beta = 0.5 });
    }
}
