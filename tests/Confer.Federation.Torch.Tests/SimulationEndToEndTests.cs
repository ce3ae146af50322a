using Confer.Core;
using Confer.Data;
using Confer.Federation.Strategies;
using Confer.Torch;

namespace Confer.Federation.Torch.Tests;

[Collection(TorchCollection.Name)]
public class SimulationEndToEndTests
{
    [Fact]
    public async Task FedAvg_TwoClientsOnAFashionMnistSlice_BeatsChanceClearly()
    {
        // 4,000 training images split over 2 clients, 3 rounds of one local epoch, 1,000 test images.
        ImageDataset train = TestData.Train;
        IReadOnlyList<int[]> partitions = PartitionSpec.Strided.Apply(train.Labels, 2, seed: 0);
        static ClassifierNetwork Create() => new NormalizedClassifier(OpenFlCnn.Create(1), NormalizedClassifier.TutorialMean, NormalizedClassifier.TutorialStd);
        ModelState initial;
        using (ClassifierNetwork net = Create())
        {
            initial = net.GetModelState();
        }

        using var evaluator = new CentralizedEvaluator(Create(), TestData.Test);
        var strategy = new FedAvg
        {
            InitialParameters = initial,
            FractionEvaluate = 0,
            Evaluate = evaluator.Function,
            FitMetricsAggregation = MetricsAggregation.WeightedAverage,
            OnFitConfig = round => new ConfigRecord([new(TorchClient.RoundKey, round)]),
        };
        var clients = ImageFederation.CreateClientFactory(Create, train, partitions, new TorchClientOptions { BatchSize = 32, LearningRate = 0.05, Seed = 1 });

        History history = await Simulation.RunAsync(clients, strategy, new SimulationOptions { ClientIds = ["Portland", "Seattle"], Rounds = 3, MaxParallelClients = 2 }).DefaultTimeout(TimeSpan.FromSeconds(120));

        double initialAccuracy = history.InitialEvaluation!.Metrics["accuracy"];
        double finalAccuracy = history.Rounds[^1].MetricsCentralized["accuracy"];
        Assert.InRange(initialAccuracy, 0.0, 0.3);
        Assert.True(finalAccuracy > 0.6, $"accuracy after 3 rounds is {finalAccuracy:F3}; chance is 0.1");
        Assert.True(history.Rounds[^1].LossCentralized < history.InitialEvaluation.Loss);
        Assert.All(history.Rounds, r => Assert.Equal(2, r.FitResults));
        Assert.All(history.Rounds, r => Assert.True(r.MetricsDistributedFit["train_loss"] > 0));
    }

    [Fact]
    public async Task FedCurv_TwoClientsOnAFashionMnistSlice_LearnsAndEndsWithTheirSummedFisherTerms()
    {
        ImageDataset train = TestData.Train.Take(2000);
        IReadOnlyList<int[]> partitions = PartitionSpec.Strided.Apply(train.Labels, 2, seed: 0);
        static ClassifierNetwork Create() => new NormalizedClassifier(OpenFlCnn.Create(1), NormalizedClassifier.TutorialMean, NormalizedClassifier.TutorialStd);
        ModelState initial;
        using (ClassifierNetwork net = Create())
        {
            initial = TorchClient.WithFedCurvTensors(net.GetModelState(), net);
        }

        // The evaluator loads only the weights of a model that carries the Fisher sums.
        using var evaluator = new CentralizedEvaluator(Create(), TestData.Test);
        var strategy = new FedCurv
        {
            Importance = 0.01,
            InitialParameters = initial,
            FractionEvaluate = 0,
            Evaluate = evaluator.Function,
            OnFitConfig = round => new ConfigRecord([new(TorchClient.RoundKey, round)]),
        };
        var clients = ImageFederation.CreateClientFactory(Create, train, partitions, new TorchClientOptions { BatchSize = 32, LearningRate = 0.05, Seed = 1 });

        History history = await Simulation.RunAsync(clients, strategy, new SimulationOptions { ClientIds = ["Portland", "Seattle"], Rounds = 2, MaxParallelClients = 2 }).DefaultTimeout(TimeSpan.FromSeconds(120));

        Assert.All(history.Rounds, r => Assert.Equal(2, r.FitResults));
        Assert.True(history.Rounds[^1].MetricsCentralized["accuracy"] > 0.4, $"accuracy after 2 rounds is {history.Rounds[^1].MetricsCentralized["accuracy"]:F3}; chance is 0.1");
        Assert.Null(initial.FindFirstMismatch(history.Parameters));
        Assert.Contains(history.Parameters["conv1.weight_u"].AsReadOnlySpan<float>().ToArray(), x => x > 0);
    }
}
