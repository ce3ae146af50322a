using Confer.Core.Metrics;

namespace Confer.Core.Tests.Metrics;

public class MetricsAggregationTests
{
    [Fact]
    public void Aggregate_TwoCollaborators_ExampleWeightedMeanWithMinMaxAndCount()
    {
        WeightedMetrics[] entries =
        [
            new(new Dictionary<string, double> { ["accuracy"] = 0.5, ["loss"] = 1.0 }, 10),
            new(new Dictionary<string, double> { ["accuracy"] = 0.8 }, 30),
        ];

        IReadOnlyDictionary<string, MetricSummary> result = MetricsAggregation.Aggregate(entries);

        MetricSummary accuracy = result["accuracy"];
        Assert.Equal((0.5 * 10 + 0.8 * 30) / 40, accuracy.Mean, 15);
        Assert.Equal((0.5, 0.8, 2, 40L), (accuracy.Min, accuracy.Max, accuracy.Count, accuracy.ExampleCount));
        Assert.Equal(new MetricSummary("loss", 1.0, 1.0, 1.0, 1, 10, 0), result["loss"]);
        Assert.Equal(["accuracy", "loss"], result.Keys);
    }

    [Fact]
    public void Aggregate_NonFiniteLoss_CountedApartAndLeftOutOfMean()
    {
        WeightedMetrics[] entries =
        [
            new(new Dictionary<string, double> { ["loss"] = double.NaN }, 100),
            new(new Dictionary<string, double> { ["loss"] = 0.25 }, 5),
            new(new Dictionary<string, double> { ["loss"] = 0.75 }, 15),
        ];

        MetricSummary loss = MetricsAggregation.Aggregate(entries)["loss"];

        Assert.Equal(0.625, loss.Mean, 15);
        Assert.Equal((2, 1, 20L), (loss.Count, loss.NonFiniteCount, loss.ExampleCount));
    }

    [Fact]
    public void Aggregate_AllZeroExamples_FallsBackToPlainMean()
    {
        var accumulator = new MetricsAccumulator();
        accumulator.Add(new Dictionary<string, double> { ["accuracy"] = 0.2 }, 0);
        accumulator.Add(new Dictionary<string, double> { ["accuracy"] = 0.6 }, 0);

        Assert.Equal(0.4, accumulator.Result()["accuracy"].Mean, 15);
        Assert.Equal(2, accumulator.EntryCount);
    }

    [Fact]
    public void WeightedAverage_MatchesFlowerWeightedAverage()
    {
        WeightedMetrics[] entries =
        [
            new(new Dictionary<string, double> { ["accuracy"] = 0.9 }, 1),
            new(new Dictionary<string, double> { ["accuracy"] = 0.6 }, 2),
        ];

        Assert.Equal(0.7, MetricsAggregation.WeightedAverage(entries)["accuracy"], 15);
    }

    [Fact]
    public void Add_NegativeExampleCount_Throws()
    {
        var accumulator = new MetricsAccumulator();

        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(new Dictionary<string, double> { ["loss"] = 1 }, -1));
    }
}
