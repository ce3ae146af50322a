using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Clients;
using Confer.Federation.Messages;
using Confer.Federation.Plans;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Federation.Tests.TestSupport;
using Confer.Plan;

namespace Confer.Federation.Tests.Strategies;

public class FedCurvTests
{
    [Fact]
    public void Aggregate_WeightsAreTheExampleWeightedMean_AndTheFisherTensorsThePlainSum()
    {
        var strategy = new FedCurv { Importance = 0.5 };
        ModelState global = State(p: [0, 0], u: [0, 0], v: [0, 0], w: [0, 0], gate: [0]);
        ITrainAggregation aggregation = strategy.BeginAggregateTrain(1, global);

        aggregation.Add(StrategyDriver.Reply("c0", 1, State(p: [1, 2], u: [1, 1], v: [2, 3], w: [4, 5], gate: [0]), 1));
        aggregation.Add(StrategyDriver.Reply("c1", 1, State(p: [5, 6], u: [2, 0.5f], v: [-1, 1], w: [0.25f, 8], gate: [4]), 3));
        ModelState next = aggregation.Complete([]).Parameters!;

        // p: (1·1 + 3·5) / 4 and (1·2 + 3·6) / 4; u, v, w: sums whatever the example counts;
        // gate_u has no parameter 'gate' beside it, so it is a weight like any other: (1·0 + 3·4) / 4.
        Assert.Equal(global.Names, next.Names);
        Assert.Equal([4f, 5f], States.Values(next, "p"));
        Assert.Equal([3f, 1.5f], States.Values(next, "p_u"));
        Assert.Equal([1f, 4f], States.Values(next, "p_v"));
        Assert.Equal([4.25f, 13f], States.Values(next, "p_w"));
        Assert.Equal([3f], States.Values(next, "gate_u"));
    }

    [Fact]
    public void Aggregate_IsBitIdenticalToThePureFunction_InEveryRoundOfTheKeptBuffers()
    {
        var strategy = new FedCurv { Importance = 1 };
        ModelState global = State(p: [0, 0], u: [0, 0], v: [0, 0], w: [0, 0], gate: [0]);
        WeightedUpdate[] round1 = [new(State(p: [0.1f, 0.7f], u: [0.3f, 0.01f], v: [0.03f, 0.007f], w: [0.003f, 0.0049f], gate: [1]), 7), new(State(p: [0.9f, -0.2f], u: [0.2f, 0.6f], v: [0.18f, -0.12f], w: [0.162f, 0.024f], gate: [2]), 2)];
        WeightedUpdate[] round2 = [new(State(p: [1.5f, 2.5f], u: [1, 2], v: [1.5f, 5], w: [2.25f, 12.5f], gate: [3]), 1), new(State(p: [3, 4], u: [0.5f, 0.25f], v: [1.5f, 1], w: [4.5f, 4], gate: [5]), 5)];

        ModelState first = Aggregate(strategy, 1, global, round1);
        ModelState second = Aggregate(strategy, 2, first, round2);

        Assert.Equal(ModelAggregation.FedCurvWeightedMean(round1).ComputeHash(), first.ComputeHash());
        Assert.Equal(ModelAggregation.FedCurvWeightedMean(round2).ComputeHash(), second.ComputeHash());
        Assert.Equal([1.5f, 2.25f], States.Values(second, "p_u"));
    }

    [Fact]
    public void Aggregate_AGlobalModelWithoutFisherTensors_IsFedAvg()
    {
        TrainAggregate fedCurv = StrategyDriver.AggregateFit(new FedCurv { Importance = 1 }, 1, States.Vector(0f, 0f), null, ([1f, 2f], 1), ([5f, 6f], 3));
        TrainAggregate fedAvg = StrategyDriver.AggregateFit(new FedAvg(), 1, States.Vector(0f, 0f), null, ([1f, 2f], 1), ([5f, 6f], 3));

        Assert.Equal(fedAvg.Parameters!.ComputeHash(), fedCurv.Parameters!.ComputeHash());
    }

    [Fact]
    public void Aggregate_AFisherTensorWithANonFiniteValue_IsRejectedAndLeavesTheRoundAsItWas()
    {
        var strategy = new FedCurv { Importance = 1 };
        ModelState global = State(p: [0, 0], u: [0, 0], v: [0, 0], w: [0, 0], gate: [0]);
        ITrainAggregation aggregation = strategy.BeginAggregateTrain(1, global);

        aggregation.Add(StrategyDriver.Reply("c0", 1, State(p: [1, 2], u: [1, 1], v: [2, 3], w: [4, 5], gate: [0]), 1));
        var error = Assert.Throws<UpdateRejectedException>(() => aggregation.Add(StrategyDriver.Reply("c1", 1, State(p: [5, 6], u: [float.NaN, 0], v: [0, 0], w: [0, 0], gate: [0]), 3)));
        ModelState next = aggregation.Complete([new ClientFailure("c1", ReasonCode.ClientError, error.Message)]).Parameters!;

        Assert.Equal("p_u", error.TensorName);
        Assert.Equal([1f, 1f], States.Values(next, "p_u"));
        Assert.Equal([1f, 2f], States.Values(next, "p"));
    }

    [Fact]
    public void ConfigureTrain_SendsTheImportanceInEveryNodesConfig()
    {
        var strategy = new FedCurv { Importance = 0.01, OnFitConfig = _ => new ConfigRecord([new("lr", 0.1)]) };

        IReadOnlyList<Message> messages = strategy.ConfigureTrain(2, States.Vector(1f), new FixedClientManager(3));

        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Equal(0.01, m.Config.GetDouble(FedCurv.ImportanceKey, -1)));
        Assert.All(messages, m => Assert.Equal(0.1, m.Config.GetDouble("lr", -1)));
    }

    [Theory]
    [InlineData("fedcurv")]
    [InlineData("FedCurvWeightedAverage")]
    [InlineData("openfl.interface.aggregation_functions.FedCurvWeightedAverage")]
    [InlineData("openfl.component.aggregation_functions.FedCurvWeightedAverage")]
    public void Registry_EveryNameOfFedCurv_MakesItWithTheImportanceAsAClientSetting(string name)
    {
        StrategyRegistration registration = StrategyRegistry.Default.Get(name);

        var strategy = (FedCurv)StrategyRegistry.Default.Create(name, new StrategySettings { Options = new ConfigRecord([new(FedCurv.ImportanceKey, 0.25)]) });

        Assert.Equal(FedCurv.StrategyName, registration.Name);
        Assert.Equal([FedCurv.ImportanceKey], registration.ClientSettings.ToArray());
        Assert.False(registration.HoldsEveryUpdate);
        Assert.Equal(0.25, strategy.Importance);
    }

    [Fact]
    public void Registry_FedCurvWithoutImportance_SaysWhatIsMissing()
    {
        var error = Assert.Throws<ArgumentException>(() => StrategyRegistry.Default.Create("fedcurv"));

        Assert.Contains("importance", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Importance_NegativeOrNotFinite_IsRefused(double importance)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FedCurv { Importance = importance });

        Assert.Contains("importance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanStrategy_FedCurvByOpenFlsName_SendsTheImportanceInEveryTasksConfig()
    {
        // An echo runner that declares it applies the importance (the real one does not: a plan would refuse fedcurv with it).
        var catalog = new TaskRunnerCatalog().Add(EchoTaskRunner.Registration with { ClientSettings = [FedCurv.ImportanceKey] }).AddDataLoader("none", SettingsSchema.Empty);
        using var workspace = EchoPlan.Create(["alpha", "beta"], "template: openfl.interface.aggregation_functions.FedCurvWeightedAverage\n  settings:\n    importance: 0.125", catalog: catalog);
        FederationPlan plan = workspace.Load();
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));

        IReadOnlyList<Message> messages = strategy.ConfigureTrain(1, States.Vector(0f), new FixedClientManager(2));

        Assert.Equal(FedCurv.StrategyName, plan.Strategy.Name);
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Equal(0.125, m.Config.GetDouble(FedCurv.ImportanceKey, -1)));
    }

    [Fact]
    public void PlanLoad_FedCurvWithARunnerThatDoesNotApplyTheImportance_IsRefusedNamingIt()
    {
        var error = Assert.Throws<PlanValidationException>(() => EchoPlan.Create(["alpha", "beta"], "template: fedcurv\n  settings:\n    importance: 0.1"));

        PlanProblem problem = Assert.Single(error.Problems);
        Assert.Contains("The strategy 'fedcurv' sends importance to the collaborators, but the task runner 'echo' does not apply it", problem.Message, StringComparison.Ordinal);
    }

    private static ModelState Aggregate(FedCurv strategy, int round, ModelState global, WeightedUpdate[] updates)
    {
        ITrainAggregation aggregation = strategy.BeginAggregateTrain(round, global);
        for (int i = 0; i < updates.Length; i++)
        {
            aggregation.Add(StrategyDriver.Reply($"c{i}", round, updates[i].State, (long)updates[i].Weight));
        }

        return aggregation.Complete([]).Parameters!;
    }

    /// <summary>A parameter 'p' with its FedCurv triple, and a tensor 'gate_u' that only looks like one.</summary>
    private static ModelState State(float[] p, float[] u, float[] v, float[] w, float[] gate) => new(
    [
        NamedTensor.Create<float>("p", [p.Length], p),
        NamedTensor.Create<float>("gate_u", [gate.Length], gate),
        NamedTensor.Create<float>("p_u", [u.Length], u),
        NamedTensor.Create<float>("p_v", [v.Length], v),
        NamedTensor.Create<float>("p_w", [w.Length], w),
    ]);
}
