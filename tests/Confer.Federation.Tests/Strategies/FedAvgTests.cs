using Confer.Federation.Messages;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Strategies;

public class FedAvgTests
{
    [Theory]
    [InlineData(1.0, 2, 10, 10)]
    [InlineData(0.5, 2, 10, 5)]
    [InlineData(0.1, 3, 10, 3)]
    [InlineData(0.25, 2, 10, 2)]
    [InlineData(0.0, 0, 10, 0)]
    public void ConfigureFit_FractionAndMinimum_SamplesFloorOfFractionButAtLeastMinimum(double fraction, int minFit, int available, int expected)
    {
        var strategy = new FedAvg { FractionFit = fraction, MinFitClients = minFit, MinAvailableClients = 0 };
        var clients = new FixedClientManager(available);

        var assignments = strategy.ConfigureTrain(1, States.Vector(1f), clients);

        Assert.Equal(expected, assignments.Count);
        Assert.Equal(expected, strategy.FitSampleSize(available));
    }

    [Fact]
    public void ConfigureFit_MinimumAboveAvailable_SelectsNobody()
    {
        var strategy = new FedAvg { MinFitClients = 5, MinAvailableClients = 5 };

        var assignments = strategy.ConfigureTrain(1, States.Vector(1f), new FixedClientManager(4));

        Assert.Empty(assignments);
    }

    [Fact]
    public void ConfigureFit_OnFitConfig_SendsTheRoundsConfigToEveryClient()
    {
        var strategy = new FedAvg { OnFitConfig = round => new ConfigRecord([new("round", round), new("lr", 0.01)]) };

        var assignments = strategy.ConfigureTrain(3, States.Vector(1f), new FixedClientManager(4));

        Assert.All(assignments, a => Assert.Equal(3L, a.Config["round"].ToInt64()));
        Assert.All(assignments, a => Assert.Equal(0.01, a.Config.GetDouble("lr", 0)));
    }

    [Theory]
    [InlineData(0.5, 2, 10, 5)]
    [InlineData(0.5, 5, 6, 5)]
    [InlineData(0.0, 5, 10, 0)]
    public void ConfigureEvaluate_FractionAndMinimum_AsFlower(double fraction, int minEvaluate, int available, int expected)
    {
        var strategy = new FedAvg { FractionEvaluate = fraction, MinEvaluateClients = minEvaluate };

        var assignments = strategy.ConfigureEvaluate(1, States.Vector(1f), new FixedClientManager(available));

        Assert.Equal(expected, assignments.Count);
    }

    [Fact]
    public void RequiredClients_IsTheLargestMinimum()
    {
        Assert.Equal(10, new FedAvg { MinFitClients = 10, MinEvaluateClients = 5, MinAvailableClients = 2 }.RequiredClients);
        Assert.Equal(7, new FedAvg { MinFitClients = 1, MinEvaluateClients = 1, MinAvailableClients = 7 }.RequiredClients);
        Assert.Equal(2, new FedAvg { MinFitClients = 2, MinEvaluateClients = 9, MinAvailableClients = 0, FractionEvaluate = 0 }.RequiredClients);
    }

    [Fact]
    public void AggregateFit_ThreeClients_IsTheExampleWeightedMean()
    {
        var strategy = new FedAvg();

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f, 0f), null, ([1f, 10f], 1), ([2f, 20f], 2), ([4f, 40f], 5));

        // (1·1 + 2·2 + 4·5) / 8 = 25/8; (10 + 40 + 200) / 8 = 250/8.
        Assert.NotNull(result.Parameters);
        float[] w = States.Values(result.Parameters);
        Assert.Equal(3.125f, w[0], 6);
        Assert.Equal(31.25f, w[1], 5);
    }

    [Fact]
    public void AggregateFit_FailuresAccepted_AggregatesTheResults()
    {
        var strategy = new FedAvg { AcceptFailures = true };
        var failure = new ClientFailure("c9", ReasonCode.ClientError, "boom");

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), [failure], ([2f], 1), ([4f], 1));

        Assert.Equal(3f, States.Values(result.Parameters!)[0]);
    }

    [Fact]
    public void AggregateFit_FailuresNotAccepted_KeepsTheGlobalModel()
    {
        var strategy = new FedAvg { AcceptFailures = false };
        var failure = new ClientFailure("c9", ReasonCode.Timeout, "late");

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), [failure], ([2f], 1), ([4f], 1));

        Assert.Null(result.Parameters);
        Assert.Empty(result.Metrics);
    }

    [Fact]
    public void AggregateFit_NoResults_KeepsTheGlobalModel()
    {
        TrainAggregate result = StrategyDriver.AggregateFit(new FedAvg(), 1, States.Vector(0f), [new ClientFailure("c0", ReasonCode.ClientError, "x")]);

        Assert.Null(result.Parameters);
    }

    [Fact]
    public void AggregateFit_WithMetricsFunction_AggregatesFitMetricsWeighted()
    {
        var strategy = new FedAvg { FitMetricsAggregation = MetricsAggregation.WeightedAverage };

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0f), null, ([1f], 1), ([1f], 3));

        // train_loss 1 with 1 example and 2 with 3 examples: (1 + 6) / 4.
        Assert.Equal(1.75, result.Metrics["train_loss"], 12);
    }

    [Fact]
    public void AggregateFit_WithoutMetricsFunction_HasNoMetrics()
    {
        TrainAggregate result = StrategyDriver.AggregateFit(new FedAvg(), 1, States.Vector(0f), null, ([1f], 1));

        Assert.Empty(result.Metrics);
    }

    [Fact]
    public void AggregateFit_WrongShape_IsRejectedAndLeavesTheOthers()
    {
        ITrainAggregation aggregation = new FedAvg().BeginAggregateTrain(1, States.Vector(0f, 0f));
        aggregation.Add(StrategyDriver.Reply("good", 1, States.Vector(2f, 2f), 1));

        var rejected = Assert.Throws<UpdateRejectedException>(() => aggregation.Add(StrategyDriver.Reply("bad", 1, States.Vector(1f, 1f, 1f), 1)));
        TrainAggregate result = aggregation.Complete([]);

        Assert.Equal(UpdateRejectionReason.LayoutMismatch, rejected.Reason);
        Assert.Contains("bad", rejected.Message, StringComparison.Ordinal);
        Assert.Equal([2f, 2f], States.Values(result.Parameters!));
    }

    [Fact]
    public void AggregateEvaluate_IsTheExampleWeightedLossAndMetrics()
    {
        var strategy = new FedAvg { EvaluateMetricsAggregation = MetricsAggregation.WeightedAverage };
        IEvaluateAggregation aggregation = strategy.BeginAggregateEvaluate(1);
        aggregation.Add(StrategyDriver.EvaluateReply("a", 1, 1.0, 10, MetricRecord.Of("accuracy", 0.5)));
        aggregation.Add(StrategyDriver.EvaluateReply("b", 1, 2.0, 30, MetricRecord.Of("accuracy", 0.9)));

        EvaluateAggregate result = aggregation.Complete([]);

        Assert.Equal((10 + 60) / 40.0, result.Loss!.Value, 12);
        Assert.Equal(((10 * 0.5) + (30 * 0.9)) / 40, result.Metrics["accuracy"], 12);
    }

    [Fact]
    public void AggregateEvaluate_FailuresNotAccepted_HasNoLoss()
    {
        var strategy = new FedAvg { AcceptFailures = false };
        IEvaluateAggregation aggregation = strategy.BeginAggregateEvaluate(1);
        aggregation.Add(StrategyDriver.EvaluateReply("a", 1, 1.0, 10));

        EvaluateAggregate result = aggregation.Complete([new ClientFailure("b", ReasonCode.ClientError, "x")]);

        Assert.Null(result.Loss);
    }

    [Fact]
    public async Task InitializeParameters_GivesTheInitialParametersOnce()
    {
        var initial = States.Vector(7f);
        var strategy = new FedAvg { InitialParameters = initial };

        var first = await strategy.InitializeParametersAsync().DefaultTimeout();
        var second = await strategy.InitializeParametersAsync().DefaultTimeout();

        Assert.Same(initial, first);
        Assert.Null(second);
    }

    [Fact]
    public async Task Evaluate_CallsTheEvaluateFunctionWithTheRoundAndEvaluateConfig()
    {
        (int Round, string Mode)? seen = null;
        var strategy = new FedAvg
        {
            OnEvaluateConfig = round => new ConfigRecord([new("mode", "test")]),
            Evaluate = (round, parameters, config, ct) =>
            {
                seen = (round, config.GetString("mode", ""));
                return Task.FromResult<CentralizedEvaluation?>(new CentralizedEvaluation(0.25, MetricRecord.Of("accuracy", 0.75)));
            },
        };

        CentralizedEvaluation? result = await strategy.EvaluateAsync(4, States.Vector(1f)).DefaultTimeout();

        Assert.Equal((4, "test"), seen);
        Assert.Equal(0.25, result!.Loss);
    }

    [Fact]
    public async Task Evaluate_WithoutFunction_IsNull()
    {
        Assert.Null(await new FedAvg().EvaluateAsync(1, States.Vector(1f)).DefaultTimeout());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void FractionFit_OutOfRange_Throws(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedAvg { FractionFit = fraction });
    }
}
