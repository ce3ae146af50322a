using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Data;
using Confer.Federation.Grpc;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.Messages;
using Confer.Federation.Plans;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Confer.Torch;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace Confer.Federation.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TorchCnnTaskRunnerTests
{
    [Fact]
    public void Load_ShardOneOfTwo_TakesEveryOtherExampleFromOneOfTrainAndTestUpToTheCaps()
    {
        using var workspace = TorchWorkspace.Create(maxTrain: 100, maxTest: 50);
        FederationPlan plan = workspace.Load();

        FashionMnistPart part = FashionMnistDataLoader.Load(plan, "alpha", plan.CollaboratorData["alpha"]);

        ImageDataset train = FashionMnist.LoadTrain();
        ImageDataset test = FashionMnist.LoadTest();
        Assert.Equal(100, part.Train.Count);
        Assert.Equal(50, part.Test.Count);
        Assert.Equal(1, part.Shard);
        for (int i = 0; i < part.Train.Count; i++)
        {
            Assert.True(part.Train.Image(i).SequenceEqual(train.Image(1 + (2 * i))), $"training example {i}");
            Assert.Equal(train.Label(1 + (2 * i)), part.Train.Label(i));
        }

        for (int i = 0; i < part.Test.Count; i++)
        {
            Assert.True(part.Test.Image(i).SequenceEqual(test.Image(1 + (2 * i))), $"test example {i}");
        }
    }

    [Fact]
    public void Load_ShardAboveTheCollaboratorCount_FailsNamingBoth()
    {
        using var workspace = TorchWorkspace.Create(data: "alpha,3");
        FederationPlan plan = workspace.Load();

        var error = Assert.Throws<InvalidOperationException>(() => FashionMnistDataLoader.Load(plan, "alpha", plan.CollaboratorData["alpha"]));

        Assert.Contains("shard 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("collaborator_count is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoLineForTheCollaborator_FailsSayingHowToAddIt()
    {
        using var workspace = TorchWorkspace.Create();
        FederationPlan plan = workspace.Load();

        var error = Assert.Throws<InvalidOperationException>(() => FashionMnistDataLoader.Load(plan, "beta", null));

        Assert.Contains("'beta' has no line in plan/data.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("--data-path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutTheFiles_FailsInsteadOfFallingBackToTheSystemCopy()
    {
        using var workspace = TorchWorkspace.Create(data: "alpha,data/alpha");
        FederationPlan plan = workspace.Load();

        var error = Assert.Throws<DatasetNotFoundException>(() => FashionMnistDataLoader.Load(plan, "alpha", plan.CollaboratorData["alpha"]));

        Assert.Contains(Path.Combine(workspace.Directory, "data", "alpha"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TheThreeTemplateTasks_ReportThePlansMetricsAndTrainTheGlobalModel()
    {
        using var workspace = TorchWorkspace.Create();
        FederationPlan plan = workspace.Load();
        ModelState global = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 1);
        using ITaskRunner runner = TorchWorkspace.Catalog.Get(plan).Create(new TaskRunnerContext(plan, "alpha", plan.CollaboratorData["alpha"], NullLoggerFactory.Instance));

        TaskResult before = await runner.RunAsync(new TaskRequest(plan.Tasks["aggregated_model_validation"], 0, global)).AsTask().DefaultTimeout();
        TaskResult trained = await runner.RunAsync(new TaskRequest(plan.Tasks["train"], 0, global)).AsTask().DefaultTimeout();
        TaskResult after = await runner.RunAsync(new TaskRequest(plan.Tasks["locally_tuned_model_validation"], 0, global)).AsTask().DefaultTimeout();

        Assert.Equal(["acc"], before.Metrics.Keys);
        Assert.Equal(["loss"], trained.Metrics.Keys);
        Assert.Equal(["acc"], after.Metrics.Keys);
        Assert.Equal(128, before.ExampleCount);
        Assert.Equal(256, trained.ExampleCount);
        Assert.InRange(trained.Metrics["loss"], 0.1, 5);
        Assert.Null(global.FindFirstMismatch(trained.Model!));
        Assert.NotEqual(global.ComputeHash(), trained.Model!.ComputeHash());

        // The evaluation loss tells the models apart where 128 examples' accuracy may not.
        TaskPlan localLoss = plan.Tasks["locally_tuned_model_validation"] with { Metrics = ["loss"] };
        TaskPlan globalLoss = plan.Tasks["aggregated_model_validation"] with { Metrics = ["loss"] };
        double local = (await runner.RunAsync(new TaskRequest(localLoss, 0, global)).AsTask().DefaultTimeout()).Metrics["loss"];
        double ofGlobal = (await runner.RunAsync(new TaskRequest(globalLoss, 0, global)).AsTask().DefaultTimeout()).Metrics["loss"];
        double ofTrained = (await runner.RunAsync(new TaskRequest(globalLoss, 0, trained.Model!)).AsTask().DefaultTimeout()).Metrics["loss"];
        Assert.Equal(ofTrained, local);
        Assert.NotEqual(ofGlobal, local);
    }

    [Fact]
    public void CreateInitialModel_ContinueGlobal_AddsAFreshOptimizerStateOtherwiseOnlyWeights()
    {
        using var reset = TorchWorkspace.Create();
        using var global = TorchWorkspace.Create(optTreatment: "CONTINUE_GLOBAL");

        ModelState weights = TorchWorkspace.Catalog.CreateInitialModel(reset.Load(), seed: 2);
        ModelState withOptimizer = TorchWorkspace.Catalog.CreateInitialModel(global.Load(), seed: 2);

        Assert.DoesNotContain(weights.Names, n => n.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal));
        Assert.Equal(weights.Names.Concat(weights.Names.Select(n => TorchClient.OptimizerStatePrefix + n)), withOptimizer.Names);
        Assert.All(withOptimizer.Where(t => t.Name.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal)), t => Assert.All(t.AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Fit_ResetVersusContinueLocal_OnlyContinueLocalCarriesTheOptimizerStateIntoTheNextRound()
    {
        ModelState w0 = Weights(seed: 5);
        ModelState w1 = Weights(seed: 6);

        TorchClient reset = Client(OptimizerTreatment.Reset);
        Fit(reset, w0, round: 1);
        Assert.Null(reset.OptimizerState);
        ModelState resetRound2 = Fit(reset, w1, round: 2);

        TorchClient fresh = Client(OptimizerTreatment.Reset);
        ModelState freshRound2 = Fit(fresh, w1, round: 2);

        TorchClient local = Client(OptimizerTreatment.ContinueLocal);
        Fit(local, w0, round: 1);
        ModelState kept = local.OptimizerState!;
        Assert.Contains(kept, t => t.AsReadOnlySpan<float>().ToArray().Any(v => v != 0));
        ModelState localRound2 = Fit(local, w1, round: 2);

        double resetGap = MaxDifference(resetRound2, freshRound2);
        double localGap = MaxDifference(localRound2, freshRound2);
        Assert.True(resetGap < 1e-6, $"RESET's second round differs from a fresh optimizer's by {resetGap:G3}");
        Assert.True(localGap > 1e-4, $"CONTINUE_LOCAL's second round differs from a fresh optimizer's by only {localGap:G3}");
        Assert.NotEqual(kept.ComputeHash(), local.OptimizerState!.ComputeHash());
    }

    [Fact]
    public void Fit_ContinueGlobal_StartsFromTheGlobalOptimizerStateAndReturnsItUpdatedInTheGlobalLayout()
    {
        using OpenFlCnn network = OpenFlCnn.Create(7);
        ModelState zeroState = TorchClient.WithOptimizerState(network);
        ModelState carried = new(zeroState.Select(t => t.Name.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal) ? Filled(t, 0.05f) : t));

        ModelState fromZero = Fit(Client(OptimizerTreatment.ContinueGlobal), zeroState, round: 1);
        ModelState fromCarried = Fit(Client(OptimizerTreatment.ContinueGlobal), carried, round: 1);

        Assert.Null(zeroState.FindFirstMismatch(fromCarried));
        Assert.Equal(zeroState.Names, fromCarried.Names);
        Assert.Contains(fromZero, t => t.Name.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal) && t.AsReadOnlySpan<float>().ToArray().Any(v => v != 0));
        Assert.True(MaxDifference(Strip(fromZero), Strip(fromCarried)) > 1e-3, "the carried optimizer state made no difference");
    }

    [Fact]
    public void Fit_ContinueGlobalWithoutOptimizerStateInTheGlobalModel_KeepsItsOwnAndReturnsOnlyWeights()
    {
        TorchClient client = Client(OptimizerTreatment.ContinueGlobal);

        ModelState result = Fit(client, Weights(seed: 8), round: 1);

        Assert.DoesNotContain(result.Names, n => n.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal));
        Assert.NotNull(client.OptimizerState);
    }

    [Fact]
    public async Task DeltaUpdates_TheDeltaOfATrainedTorchModelAddedToTheGlobalModelGivesTheTrainedModelBack()
    {
        using var workspace = TorchWorkspace.Create();
        FederationPlan plan = workspace.Load();
        ModelState global = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 3);
        using ITaskRunner runner = TorchWorkspace.Catalog.Get(plan).Create(new TaskRunnerContext(plan, "alpha", plan.CollaboratorData["alpha"], NullLoggerFactory.Instance));
        TaskResult trained = await runner.RunAsync(new TaskRequest(plan.Tasks["train"], 0, global)).AsTask().DefaultTimeout();

        // What the collaborator sends under delta_updates, and what the aggregator adds to the global model.
        ModelState delta = ModelStateArithmetic.Subtract(trained.Model!, global);
        ModelState rebuilt = ModelStateArithmetic.Add(global, delta);

        Assert.Null(global.FindFirstMismatch(delta));
        Assert.True(MaxDifference(delta, global.ZerosLike()) > 1e-4, "training changed nothing");
        Assert.True(MaxDifference(rebuilt, trained.Model!) < 1e-6, "global + delta is not the trained model");
    }

    [Theory]
    [InlineData("fedcurv")]
    [InlineData("FedCurvWeightedAverage")]
    [InlineData("openfl.interface.aggregation_functions.FedCurvWeightedAverage")]
    [InlineData("openfl.component.aggregation_functions.FedCurvWeightedAverage")]
    public void Load_FedCurvByItsOpenFlNameWithTorchCnn_LoadsAndInitializesZeroFedCurvTensors(string name)
    {
        using var workspace = TorchWorkspace.Create(strategy: FedCurvSection(name, 0.01));

        FederationPlan plan = workspace.Load();
        ModelState initial = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 2);

        ModelState weights = Weights(seed: 2);
        Assert.Equal(FedCurv.StrategyName, plan.Strategy.Name);
        Assert.Equal(0.01, plan.Strategy.Settings.GetNumber(FedCurv.ImportanceKey));
        Assert.Equal(weights.Names.Concat(weights.Names.SelectMany(n => new[] { n + "_u", n + "_v", n + "_w" })), initial.Names);
        Assert.Equal(weights.Names, FedCurvTensors.Parameters(initial));
        Assert.All(initial.Skip(weights.Count), t => Assert.All(t.AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(0f, v)));
        Assert.Equal(weights.ComputeHash(), new ModelState(initial.Take(weights.Count)).ComputeHash());
    }

    [Fact]
    public async Task RunAsync_FedCurvPlan_TrainSendsTheModelWithThisCollaboratorsFisherTerms_AndValidationsLoadTheWeights()
    {
        using var workspace = TorchWorkspace.Create(strategy: FedCurvSection("fedcurv", 0.01));
        FederationPlan plan = workspace.Load();
        ModelState global = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 1);
        using ITaskRunner runner = TorchWorkspace.Catalog.Get(plan).Create(new TaskRunnerContext(plan, "alpha", plan.CollaboratorData["alpha"], NullLoggerFactory.Instance));
        ConfigRecord config = ConfigRecord.Empty.With(FedCurv.ImportanceKey, 0.01);

        TaskResult before = await runner.RunAsync(new TaskRequest(plan.Tasks["aggregated_model_validation"], 1, global) { Config = config }).AsTask().DefaultTimeout();
        TaskResult trained = await runner.RunAsync(new TaskRequest(plan.Tasks["train"], 1, global) { Config = config }).AsTask().DefaultTimeout();
        TaskResult after = await runner.RunAsync(new TaskRequest(plan.Tasks["locally_tuned_model_validation"], 1, global) { Config = config }).AsTask().DefaultTimeout();

        ModelState model = trained.Model!;
        Assert.Null(global.FindFirstMismatch(model));
        Assert.InRange(before.Metrics["acc"], 0, 1);
        Assert.InRange(after.Metrics["acc"], 0, 1);
        foreach (string parameter in FedCurvTensors.Parameters(global))
        {
            float[] theta = model[parameter].AsReadOnlySpan<float>().ToArray();
            float[] u = model[parameter + "_u"].AsReadOnlySpan<float>().ToArray();
            float[] v = model[parameter + "_v"].AsReadOnlySpan<float>().ToArray();
            Assert.All(u, x => Assert.True(x >= 0));
            Assert.Contains(u, x => x > 0);
            for (int i = 0; i < u.Length; i++)
            {
                Assert.Equal(u[i] * theta[i], v[i], 1e-9 + (1e-5 * Math.Abs(v[i])));
            }
        }
    }

    [Fact]
    public async Task PlanStrategy_FedCurvRoundOfTwoCollaborators_SumsTheirFisherTermsAndAveragesTheirWeights()
    {
        using var workspace = TorchWorkspace.Create(data: "alpha,1\nbeta,2", strategy: FedCurvSection("FedCurvWeightedAverage", 0.01));
        FederationPlan plan = workspace.Load();
        ModelState global = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 4);
        var strategy = new PlanStrategy(plan, StrategyRegistry.Default.Create(plan.Strategy));
        var runners = new Dictionary<string, ITaskRunner>(StringComparer.Ordinal);
        try
        {
            foreach (string collaborator in new[] { "alpha", "beta" })
            {
                runners[collaborator] = TorchWorkspace.Catalog.Get(plan).Create(new TaskRunnerContext(plan, collaborator, plan.CollaboratorData[collaborator], NullLoggerFactory.Instance));
            }

            for (int round = 1; round <= 2; round++)
            {
                // The plan's train tasks, with the config the strategy sends, run one after another (dropout draws from one process-wide generator).
                var replies = new List<(Message Message, TaskResult Result)>();
                foreach (Message message in strategy.ConfigureTrain(round, global, new AssignedNodes()).Where(m => m.Kind == "train"))
                {
                    Assert.Equal(0.01, message.Config.GetDouble(FedCurv.ImportanceKey, -1));
                    TaskResult result = await runners[message.NodeId].RunAsync(new TaskRequest(plan.Tasks["train"], round, global) { Config = message.Config }).AsTask().DefaultTimeout();
                    replies.Add((message, result));
                }

                ITrainAggregation aggregation = strategy.BeginAggregateTrain(round, global);
                foreach ((Message message, TaskResult result) in replies)
                {
                    string id = Message.CreateId(round, message.NodeId, message.Kind);
                    aggregation.Add(new Message { Id = id, ReplyTo = id, NodeId = message.NodeId, Kind = message.Kind, Round = round, Arrays = ArrayRecord.From(result.Model!), ExampleCount = result.ExampleCount, Metrics = new MetricRecord(result.Metrics) });
                }

                ModelState next = aggregation.Complete([]).Parameters!;

                Assert.Equal(2, replies.Count);
                Assert.Null(global.FindFirstMismatch(next));
                ModelState a = replies[0].Result.Model!;
                ModelState b = replies[1].Result.Model!;
                foreach (string parameter in FedCurvTensors.Parameters(global))
                {
                    foreach (string name in new[] { parameter + "_u", parameter + "_v", parameter + "_w" })
                    {
                        float[] sum = [.. a[name].AsReadOnlySpan<float>().ToArray().Zip(b[name].AsReadOnlySpan<float>().ToArray(), (x, y) => x + y)];
                        Assert.Equal(sum, next[name].AsReadOnlySpan<float>().ToArray());
                    }

                    // 256 examples each: the weights are the plain mean.
                    float[] mean = [.. a[parameter].AsReadOnlySpan<float>().ToArray().Zip(b[parameter].AsReadOnlySpan<float>().ToArray(), (x, y) => ((256 * x) + (256 * y)) / 512)];
                    Assert.Equal(mean, next[parameter].AsReadOnlySpan<float>().ToArray());
                }

                global = next;
            }
        }
        finally
        {
            foreach (ITaskRunner runner in runners.Values)
            {
                runner.Dispose();
            }
        }
    }

    [Fact]
    public async Task PlanSimulation_FedCurvPlanWithTorchCnn_RunsItsRoundsAndEndsWithTheCollaboratorsFisherTerms()
    {
        using var workspace = TorchWorkspace.Create(data: "alpha,1\nbeta,2", strategy: FedCurvSection("openfl.interface.aggregation_functions.FedCurvWeightedAverage", 0.01));
        FederationPlan plan = workspace.Load();
        ModelState initial = TorchWorkspace.Catalog.CreateInitialModel(plan, seed: 4);
        Directory.CreateDirectory(Path.Combine(workspace.Directory, "save"));
        ModelStateSerializer.Save(initial, Path.Combine(workspace.Directory, plan.Aggregator.InitStatePath));

        History history = await PlanSimulation.RunAsync(plan, TorchWorkspace.Catalog).DefaultTimeout(TimeSpan.FromSeconds(120));

        Assert.Equal(2, history.Rounds.Count);
        Assert.All(history.Rounds, r => Assert.Equal(2, r.ModelsAggregated));
        Assert.Null(initial.FindFirstMismatch(history.Parameters));
        Assert.Contains(history.Parameters["fc2.weight_u"].AsReadOnlySpan<float>().ToArray(), x => x > 0);
        Assert.All(history.Parameters["fc2.weight_u"].AsReadOnlySpan<float>().ToArray(), x => Assert.True(x >= 0));
    }

    /// <summary>None: a plan's assigner, not the strategy, chooses the collaborators.</summary>
    private sealed class AssignedNodes : IClientManager
    {
        public int AvailableCount => 0;

        public IReadOnlyList<string> Sample(int count, int minCount) => [];
    }

    private static string FedCurvSection(string name, double importance) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"template: {name}\n  settings:\n    importance: {importance}");

    private static TorchClient Client(OptimizerTreatment treatment) => new(
        () => OpenFlCnn.Create(0),
        TestData.Train,
        Enumerable.Range(0, 256).ToArray(),
        new TorchClientOptions { BatchSize = 32, LearningRate = 0.05, Momentum = 0.5, Seed = 3, OptimizerTreatment = treatment });

    private static ModelState Fit(TorchClient client, ModelState global, int round)
    {
        // Dropout draws from libtorch's global generator: fix it so fits differ only by what the test changes.
        torch.random.manual_seed(42);
        return client.Fit(global, new ConfigRecord([new(TorchClient.RoundKey, round)]), CancellationToken.None).Parameters;
    }

    private static ModelState Weights(int seed)
    {
        using OpenFlCnn network = OpenFlCnn.Create(seed);
        return network.GetModelState();
    }

    private static NamedTensor Filled(NamedTensor tensor, float value)
    {
        NamedTensor copy = tensor.Clone();
        copy.AsSpan<float>().Fill(value);
        return copy;
    }

    private static ModelState Strip(ModelState state) => new(state.Where(t => !t.Name.StartsWith(TorchClient.OptimizerStatePrefix, StringComparison.Ordinal)));

    private static double MaxDifference(ModelState a, ModelState b)
    {
        double max = 0;
        foreach (NamedTensor x in a)
        {
            ReadOnlySpan<float> u = x.AsReadOnlySpan<float>();
            ReadOnlySpan<float> v = b[x.Name].AsReadOnlySpan<float>();
            for (int i = 0; i < u.Length; i++)
            {
                max = Math.Max(max, Math.Abs(u[i] - v[i]));
            }
        }

        return max;
    }
}
