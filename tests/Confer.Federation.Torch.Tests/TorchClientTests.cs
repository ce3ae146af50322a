using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Data;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Torch;

namespace Confer.Federation.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TorchClientTests
{
    private static readonly int[] Partition = Enumerable.Range(0, 256).ToArray();

    [Fact]
    public void Fit_ReturnsNewParametersThePartitionSizeAndTrainingMetrics()
    {
        var client = NewClient();
        ModelState global = Global();

        FitResult result = client.Fit(global, new ConfigRecord([new(TorchClient.BatchSizeKey, 64)]), CancellationToken.None);

        Assert.Equal(256, result.ExampleCount);
        Assert.True(global.IsCompatibleWith(result.Parameters));
        Assert.NotEqual(global.ComputeHash(), result.Parameters.ComputeHash());
        Assert.InRange(result.Metrics["train_loss"], 0.1, 5);
        Assert.InRange(result.Metrics["train_accuracy"], 0, 1);
    }

    [Fact]
    public void Fit_LargeProximalMu_StaysCloserToTheGlobalModel()
    {
        ModelState global = Global();
        // 16 steps at lr 0.05: with mu = 10 the pull back to the global model (lr·mu = 0.5 per step) dominates.
        var config = new ConfigRecord([new(TorchClient.LearningRateKey, 0.05), new(TorchClient.BatchSizeKey, 16)]);

        double free = ModelAggregation.Distance(global, NewClient().Fit(global, config, CancellationToken.None).Parameters);
        double proximal = ModelAggregation.Distance(global, NewClient().Fit(global, config.With(FedProx.ProximalMuKey, 10.0), CancellationToken.None).Parameters);

        Assert.True(proximal < free * 0.6, $"distance with mu=10 is {proximal:G4}, without {free:G4}");
    }

    [Fact]
    public void Fit_AFedCurvGlobalModel_ReturnsItsLayoutWithThisClientsFisherTerms_AndKeepsThemForTheNextFit()
    {
        ModelState global = FedCurvGlobal();
        var client = new TorchClient(Create, TestData.Train, Partition, new TorchClientOptions { Seed = 4, SeedDropoutPerFit = true });

        ModelState result = client.Fit(global, FedCurvConfig(0.01), CancellationToken.None).Parameters;

        Assert.Equal(global.Names, result.Names);
        Assert.Null(global.FindFirstMismatch(result));
        Assert.Equal(FedCurvTensors.Names(global), client.FedCurvState!.Names);
        foreach (NamedTensor kept in client.FedCurvState)
        {
            Assert.Equal(kept.Bytes.ToArray(), result[kept.Name].Bytes.ToArray());
        }

        float[] u = result["fc2.weight_u"].AsReadOnlySpan<float>().ToArray();
        float[] w = result["fc2.weight_w"].AsReadOnlySpan<float>().ToArray();
        float[] theta = result["fc2.weight"].AsReadOnlySpan<float>().ToArray();
        Assert.Contains(u, x => x > 0);
        for (int i = 0; i < u.Length; i++)
        {
            Assert.Equal(u[i] * theta[i] * theta[i], w[i], 1e-9 + (1e-5 * Math.Abs(w[i])));
        }
    }

    [Fact]
    public void Fit_GlobalSumsThatAreOnlyItsOwnLastTerms_TrainsAsWithoutThePenalty_WhileAFreshClientIsPulledBack()
    {
        // The client was the only contributor to the global sums, so U − u = 0 and the penalty, however
        // large, pulls on nothing; a client with no terms of its own to subtract feels all of it.
        // (The Fisher of 256 examples is at most about 0.006 here, so 1000 is a strong but stable weight at lr 0.05.)
        var options = new TorchClientOptions { Seed = 4, SeedDropoutPerFit = true };
        var client = new TorchClient(Create, TestData.Train, Partition, options);
        ModelState round2 = client.Fit(FedCurvGlobal(), FedCurvConfig(0.01), CancellationToken.None).Parameters;

        ModelState own = client.Fit(round2, FedCurvConfig(1000).With(TorchClient.RoundKey, 2L), CancellationToken.None).Parameters;
        ModelState none = new TorchClient(Create, TestData.Train, Partition, options).Fit(round2, FedCurvConfig(0).With(TorchClient.RoundKey, 2L), CancellationToken.None).Parameters;
        ModelState fresh = new TorchClient(Create, TestData.Train, Partition, options).Fit(round2, FedCurvConfig(1000).With(TorchClient.RoundKey, 2L), CancellationToken.None).Parameters;

        ModelState Weights(ModelState state) => new(state.Where(t => !FedCurvTensors.Names(state).Contains(t.Name)));
        Assert.Equal(Weights(none).ComputeHash(), Weights(own).ComputeHash());
        Assert.NotEqual(Weights(none).ComputeHash(), Weights(fresh).ComputeHash());
        double penalised = ModelAggregation.Distance(Weights(round2), Weights(fresh));
        double free = ModelAggregation.Distance(Weights(round2), Weights(none));
        Assert.True(penalised < 0.97 * free, $"distance from the global weights with importance 1000: {penalised:G4}, with 0: {free:G4}");
    }

    [Fact]
    public void Fit_ImportanceWithAGlobalModelWithoutFedCurvTensors_RefusesSayingHowToStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NewClient().Fit(Global(), FedCurvConfig(0.01), CancellationToken.None));

        Assert.Contains("importance = 0.01", error.Message, StringComparison.Ordinal);
        Assert.Contains("confer plan initialize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AFedCurvModel_EvaluatesItsWeights()
    {
        var client = new TorchClient(Create, TestData.Train, Partition, new TorchClientOptions(), test: TestData.Test, testIndices: Enumerable.Range(0, 100).ToArray());

        var withTerms = client.Evaluate(FedCurvGlobal(), ConfigRecord.Empty, CancellationToken.None);
        var plain = client.Evaluate(Global(), ConfigRecord.Empty, CancellationToken.None);

        Assert.Equal(plain.Loss, withTerms.Loss);
    }

    [Fact]
    public void Fit_WithSeedDropoutPerFit_RepeatsBitForBit_WithoutItDropoutFollowsTheProcessGenerator()
    {
        ModelState global = Global();
        var config = new ConfigRecord([new(TorchClient.BatchSizeKey, 64), new(TorchClient.RoundKey, 3L)]);
        var seeded = new TorchClientOptions { SeedDropoutPerFit = true, Seed = 5 };

        var first = new TorchClient(Create, TestData.Train, Partition, seeded).Fit(global, config, CancellationToken.None);
        TorchSharp.torch.manual_seed(12345);
        var second = new TorchClient(Create, TestData.Train, Partition, seeded).Fit(global, config, CancellationToken.None);
        TorchSharp.torch.manual_seed(1);
        var unseededA = new TorchClient(Create, TestData.Train, Partition, new TorchClientOptions { Seed = 5 }).Fit(global, config, CancellationToken.None);
        TorchSharp.torch.manual_seed(2);
        var unseededB = new TorchClient(Create, TestData.Train, Partition, new TorchClientOptions { Seed = 5 }).Fit(global, config, CancellationToken.None);

        Assert.Equal(first.Parameters.ComputeHash(), second.Parameters.ComputeHash());
        Assert.NotEqual(unseededA.Parameters.ComputeHash(), unseededB.Parameters.ComputeHash());
    }

    [Fact]
    public void Fit_WithLearningRateDecay_TrainsRoundRWithTheRateTimesDecayToTheRMinus1()
    {
        ModelState global = Global();
        var options = new TorchClientOptions { SeedDropoutPerFit = true, Seed = 5 };
        ConfigRecord Config(double rate, double decay) => new([new(TorchClient.BatchSizeKey, 64), new(TorchClient.RoundKey, 3L), new(TorchClient.LearningRateKey, rate), new(TorchClient.LearningRateDecayKey, decay)]);

        // Round 3 with 0.04 decayed by 0.5 twice is round 3 at 0.01; without the decay it is not.
        var decayed = new TorchClient(Create, TestData.Train, Partition, options).Fit(global, Config(0.04, 0.5), CancellationToken.None);
        var plain = new TorchClient(Create, TestData.Train, Partition, options).Fit(global, Config(0.01, 1), CancellationToken.None);
        var undecayed = new TorchClient(Create, TestData.Train, Partition, options).Fit(global, Config(0.04, 1), CancellationToken.None);

        Assert.Equal(plain.Parameters.ComputeHash(), decayed.Parameters.ComputeHash());
        Assert.NotEqual(plain.Parameters.ComputeHash(), undecayed.Parameters.ComputeHash());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Fit_WithADecayOutsideZeroToOne_RefusesNamingTheKey(double decay)
    {
        var config = new ConfigRecord([new(TorchClient.LearningRateDecayKey, decay)]);

        var error = Assert.Throws<ArgumentException>(() => NewClient().Fit(Global(), config, CancellationToken.None));

        Assert.Contains("lr_decay", error.Message, StringComparison.Ordinal);
        Assert.Contains("(0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => NewClient().Fit(Global(), ConfigRecord.Empty, cts.Token));
    }

    [Fact]
    public void Evaluate_WithTestData_ReportsLossAndAccuracy()
    {
        var client = new TorchClient(Create, TestData.Train, Partition, new TorchClientOptions(), test: TestData.Test, testIndices: Enumerable.Range(0, 100).ToArray());

        var result = client.Evaluate(Global(), ConfigRecord.Empty, CancellationToken.None);

        Assert.Equal(100, result.ExampleCount);
        Assert.InRange(result.Metrics["accuracy"], 0, 1);
        Assert.True(double.IsFinite(result.Loss));
    }

    [Fact]
    public void Evaluate_WithoutTestData_RefusesWithAClearMessage()
    {
        var error = Assert.Throws<NotSupportedException>(() => NewClient().Evaluate(Global(), ConfigRecord.Empty, CancellationToken.None));

        Assert.Contains("FractionEvaluate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizedClassifier_State_IsTheInnerNetworksNamesAndOrder()
    {
        using OpenFlCnn plain = OpenFlCnn.Create(3);
        using var wrapped = new NormalizedClassifier(OpenFlCnn.Create(3), 0.5, 0.25);

        Assert.Equal(plain.GetModelState().Names, wrapped.GetModelState().Names);
        Assert.Equal(plain.GetModelState().ComputeHash(), wrapped.GetModelState().ComputeHash());
    }

    [Fact]
    public void NormalizedClassifier_Forward_StandardisesTheInputAndEvalTurnsDropoutOff()
    {
        using OpenFlCnn plain = OpenFlCnn.Create(3);
        using var wrapped = new NormalizedClassifier(OpenFlCnn.Create(3), 0.5, 0.25);
        plain.eval();
        wrapped.eval();
        using var input = TorchSharp.torch.rand(2, 1, 28, 28, generator: new TorchSharp.torch.Generator(5));

        using var expected = plain.forward(input.sub(0.5).div(0.25));
        using var actual = wrapped.forward(input);
        using var again = wrapped.forward(input);

        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-6));
        Assert.True(actual.allclose(again, rtol: 0, atol: 0));
    }

    private static ClassifierNetwork Create() => new NormalizedClassifier(OpenFlCnn.Create(2), NormalizedClassifier.TutorialMean, NormalizedClassifier.TutorialStd);

    private static TorchClient NewClient() => new(Create, TestData.Train, Partition, new TorchClientOptions { Seed = 4 });

    private static ConfigRecord FedCurvConfig(double importance) => new([new(TorchClient.BatchSizeKey, 32), new(TorchClient.LearningRateKey, 0.05), new(FedCurv.ImportanceKey, importance)]);

    private static ModelState FedCurvGlobal()
    {
        using ClassifierNetwork net = Create();
        return TorchClient.WithFedCurvTensors(net.GetModelState(), net);
    }

    private static ModelState Global()
    {
        using ClassifierNetwork net = Create();
        return net.GetModelState();
    }
}
