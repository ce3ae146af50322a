using Confer.Core;
using Confer.Federation.Messages;
using Confer.Federation.Plans;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Federation.Tests.TestSupport;
using Confer.Plan;

namespace Confer.Federation.Tests.Plans;

public class PlanStrategyTests
{
    private static readonly string[] Names = ["beta", "alpha"];

    [Fact]
    public async Task ConfigureTrain_EveryCollaboratorGetsItsGroupsTasksInOrder_AllWithTheOneGlobalModel()
    {
        using var workspace = EchoPlan.Create(Names);
        FederationPlan plan = workspace.Load();
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));
        ModelState global = (await strategy.InitializeParametersAsync().DefaultTimeout())!;

        IReadOnlyList<Message> messages = strategy.ConfigureTrain(1, global, new FixedClientManager(2));

        Assert.Equal(
            ["alpha:aggregated_model_validation", "alpha:train", "alpha:locally_tuned_model_validation", "beta:aggregated_model_validation", "beta:train", "beta:locally_tuned_model_validation"],
            messages.Select(m => $"{m.NodeId}:{m.Kind}"));
        Assert.All(messages, m => Assert.Same(global, m.Arrays!.InMemory));
        Assert.All(messages, m => Assert.Equal(1, m.Round));
    }

    [Fact]
    public void ConfigureTrain_FedProx_SendsProximalMuInEveryTasksConfig()
    {
        // An echo runner that declares it applies mu (the real one does not: a plan would refuse fedprox with it).
        var catalog = new TaskRunnerCatalog().Add(EchoTaskRunner.Registration with { ClientSettings = [FedProx.ProximalMuKey] }).AddDataLoader("none", SettingsSchema.Empty);
        using var workspace = EchoPlan.Create(Names, "template: fedprox\n  settings:\n    proximal_mu: 0.25", catalog: catalog);
        FederationPlan plan = workspace.Load();
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));

        IReadOnlyList<Message> messages = strategy.ConfigureTrain(1, States.Vector(0f), new FixedClientManager(2));

        Assert.All(messages, m => Assert.Equal(0.25, m.Config.GetDouble(FedProx.ProximalMuKey, -1)));
    }

    [Fact]
    public async Task Aggregate_ModelsGoToTheStrategy_AndEveryTasksMetricsAreExampleWeighted()
    {
        using var workspace = EchoPlan.Create(Names);
        FederationPlan plan = workspace.Load();
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));
        ModelState global = (await strategy.InitializeParametersAsync().DefaultTimeout())!;
        ITrainAggregation aggregation = strategy.BeginAggregateTrain(1, global);

        aggregation.Add(StrategyDriver.Reply("alpha", 1, null, 1, MetricRecord.Of("acc", 0.2), "aggregated_model_validation"));
        aggregation.Add(StrategyDriver.Reply("alpha", 1, global, 1, MetricRecord.Of("loss", 1.0), "train"));
        aggregation.Add(StrategyDriver.Reply("beta", 1, null, 3, MetricRecord.Of("acc", 0.6), "aggregated_model_validation"));
        aggregation.Add(StrategyDriver.Reply("beta", 1, global, 3, MetricRecord.Of("loss", 2.0), "train"));
        TrainAggregate result = aggregation.Complete([]);

        Assert.Equal(global.ComputeHash(), result.Parameters!.ComputeHash());
        Assert.Equal(0.5, result.Metrics[PlanStrategy.MetricKey("aggregated_model_validation", "acc")], 12);
        Assert.Equal(1.75, result.Metrics[PlanStrategy.MetricKey("train", "loss")], 12);
    }

    [Fact]
    public async Task Aggregate_MinCompletionRateFit_CountsTheTrainingTasks_NotTheFailedValidations()
    {
        using var workspace = EchoPlan.Create(Names, "template: fedavg\n  settings:\n    min_completion_rate_fit: 1.0");
        FederationPlan plan = workspace.Load();
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));
        ModelState global = (await strategy.InitializeParametersAsync().DefaultTimeout())!;
        ClientFailure validationFailed = new("beta", ReasonCode.ClientError, "no data") { TaskKind = "aggregated_model_validation" };
        ClientFailure trainingFailed = new("beta", ReasonCode.ClientError, "diverged") { TaskKind = "train" };

        ITrainAggregation first = strategy.BeginAggregateTrain(1, global);
        first.Add(StrategyDriver.Reply("alpha", 1, global, 1, MetricRecord.Of("loss", 1.0), "train"));
        first.Add(StrategyDriver.Reply("beta", 1, global, 1, MetricRecord.Of("loss", 1.0), "train"));
        TrainAggregate withFailedValidation = first.Complete([validationFailed]);

        ITrainAggregation second = strategy.BeginAggregateTrain(2, global);
        second.Add(StrategyDriver.Reply("alpha", 2, global, 1, MetricRecord.Of("loss", 1.0), "train"));
        TrainAggregate withFailedTraining = second.Complete([trainingFailed]);

        Assert.NotNull(withFailedValidation.Parameters);
        Assert.Null(withFailedTraining.Parameters);
        Assert.Contains("only 1 of 2 fit tasks gave a result", withFailedTraining.Skipped, StringComparison.Ordinal);
    }

    [Fact]
    public void BestModelCriterion_IsTheFirstMetricOfTheGlobalValidation_OnTheRoundsInput()
    {
        using var workspace = EchoPlan.Create(Names);
        FederationPlan plan = workspace.Load();

        var criterion = PlanStrategy.BestModelCriterion(plan)!;

        Assert.Equal("aggregated_model_validation/acc", criterion.Description);
        Assert.True(criterion.HigherIsBetter);
        Assert.True(criterion.JudgesRoundInput);
        Assert.Equal(0.7, criterion.Score(new RoundRecord { Round = 1, MetricsDistributedFit = MetricRecord.Of("aggregated_model_validation/acc", 0.7) }));
    }

    [Fact]
    public async Task PlanSimulation_RunsThePlansRoundsOnItsCollaborators_AndMovesTheModel()
    {
        using var workspace = EchoPlan.Create(Names, rounds: 3);
        FederationPlan plan = workspace.Load();

        History history = await PlanSimulation.RunAsync(plan, TaskRunnerCatalog.CreateDefault()).DefaultTimeout();

        Assert.Equal([1, 2, 3], history.Rounds.Select(r => r.Round));
        Assert.All(history.Rounds, r => Assert.Equal((6, 2), (r.FitResults, r.ModelsAggregated)));
        var initial = ModelStateSerializer.Load(Path.Combine(workspace.Root, plan.Aggregator.InitStatePath));
        Assert.NotEqual(initial.ComputeHash(), history.Parameters.ComputeHash());
    }

    [Fact]
    public void StrategyMemory_ARobustStrategyOverTheLimit_IsRefusedWithBothNumbers()
    {
        using var workspace = EchoPlan.Create(Names, "template: median", aggregatorSettings: "\n    max_aggregation_memory: 100");
        FederationPlan plan = workspace.Load();
        string model = Path.Combine(workspace.Root, plan.Aggregator.InitStatePath);
        long size = new FileInfo(model).Length;

        var error = Assert.Throws<InvalidOperationException>(() => StrategyMemory.EnsureWithinLimit(plan, StrategyRegistry.Default.Get("median"), model));

        Assert.Contains($"2 collaborators × {size:N0} bytes of model = {2 * size:N0} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_aggregation_memory (100 bytes)", error.Message, StringComparison.Ordinal);
        StrategyMemory.EnsureWithinLimit(plan, StrategyRegistry.Default.Get("fedavg"), model);
        Assert.Equal(0, StrategyMemory.UpdateBytes(StrategyRegistry.Default.Get("fedadam"), 1000, size));
    }
}
