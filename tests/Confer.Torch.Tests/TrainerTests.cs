using Confer.Core;
using Confer.Data;
using Confer.Torch.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TrainerTests(FashionMnistFixture data)
{
    [Fact]
    public void TrainEpoch_OpenFlCnnOnRealFashionMnist_EveryLossAndWeightStaysFinite()
    {
        // With oneDNN in the backward pass (libtorch 2.10, AVX-512), NaN shows up after a few
        // to a few hundred batches; 400 batches of real images make a run without the fix fail.
        ImageDataset slice = data.Train.Take(6400);
        using var model = OpenFlCnn.Create(seed: 1);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
        var progress = new SynchronousProgress<TrainProgress>();
        var results = new List<TrainResult>();

        for (int epoch = 1; epoch <= 4; epoch++)
        {
            results.Add(Trainer.TrainEpoch(model, optimizer, slice, epoch, new TrainOptions { Seed = 1 }, progress: progress));
        }

        Assert.All(results, r => Assert.Equal(0, r.NonFiniteLossCount));
        Assert.All(results, r => Assert.True(double.IsFinite(r.Loss), $"epoch loss {r.Loss}"));
        Assert.Equal(400, progress.Reports.Count);
        Assert.All(progress.Reports, p => Assert.True(double.IsFinite(p.RunningLoss), $"running loss {p.RunningLoss} after batch {p.BatchesDone} of epoch {p.Epoch}"));
        ModelState weights = model.GetModelState();
        foreach (NamedTensor tensor in weights)
        {
            Assert.True(tensor.AsReadOnlySpan<float>().ToArray().All(float.IsFinite), $"{tensor.Name} holds a non-finite value");
        }

        Assert.True(results[^1].Loss < results[0].Loss, $"loss did not fall: {results[0].Loss} -> {results[^1].Loss}");
    }

    [Fact]
    public void TrainEpoch_AfterTraining_OneDnnIsBackOnForInference()
    {
        using var model = OpenFlCnn.Create(seed: 2);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);

        Trainer.TrainEpoch(model, optimizer, data.Train, 1, new TrainOptions { MaxBatches = 3 });

        Assert.Equal(OneDnnTrainingMode.ForwardOnly, TorchRuntime.OneDnnTraining);
        Assert.True(TorchRuntime.OneDnnEnabled);
    }

    [Fact]
    public void Evaluate_AfterOneShortEpoch_AccuracyIsFarAboveChance()
    {
        using var model = OpenFlCnn.Create(seed: 3);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.05, momentum: 0.5);
        ImageDataset test = data.Test.Take(2000);
        EvaluateResult before = Trainer.Evaluate(model, test);

        TrainResult train = Trainer.TrainEpoch(model, optimizer, data.Train, 1, new TrainOptions { Seed = 3 }, indices: Enumerable.Range(0, 12_800).ToArray());
        EvaluateResult after = Trainer.Evaluate(model, test, batchSize: 500);

        Assert.Equal(12_800, train.ExampleCount);
        Assert.Equal(200, train.BatchCount);
        Assert.Equal(2000, after.ExampleCount);
        Assert.True(before.Accuracy < 0.3, $"untrained accuracy {before.Accuracy}");
        Assert.True(after.Accuracy > 0.5, $"accuracy after training {after.Accuracy} (chance is 0.1)");
        Assert.True(after.Loss < before.Loss, $"loss {before.Loss} -> {after.Loss}");
    }

    [Fact]
    public void Evaluate_DoesNotChangeTheModel()
    {
        using var model = OpenFlCnn.Create(seed: 4);
        ModelState before = model.GetModelState();

        EvaluateResult result = Trainer.Evaluate(model, data.Test, batchSize: 256, indices: [5, 6, 7, 8, 9]);

        Assert.Equal(5, result.ExampleCount);
        Assert.True(TestData.SameBytes(before, model.GetModelState()));
    }

    [Fact]
    public void TrainEpoch_SameSeedAndEpoch_VisitsTheSameExamplesInTheSameOrder()
    {
        // FlowerCnn has no dropout, so from equal weights the first batch's loss depends only on
        // which examples the shuffle put in it.
        ImageDataset colour = TestData.RandomColourImages(256, seed: 5);
        double FirstBatchLoss(int seed, int epoch)
        {
            using var model = FlowerCnn.Create(seed: 9);
            using var optimizer = new SgdOptimizer(model, learningRate: 0.01);
            return Trainer.TrainEpoch(model, optimizer, colour, epoch, new TrainOptions { Seed = seed, BatchSize = 32, MaxBatches = 1 }).Loss;
        }

        Assert.Equal(FirstBatchLoss(1, 1), FirstBatchLoss(1, 1));
        Assert.NotEqual(FirstBatchLoss(1, 1), FirstBatchLoss(1, 2));
        Assert.NotEqual(FirstBatchLoss(1, 1), FirstBatchLoss(2, 1));
    }

    [Fact]
    public void TrainEpoch_FlowerCnnOnColourImages_TrainsWithFiniteLoss()
    {
        ImageDataset colour = TestData.RandomColourImages(320, seed: 6);
        using var model = FlowerCnn.Create(seed: 6);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.001, momentum: 0.9);
        ModelState before = model.GetModelState();

        TrainResult result = Trainer.TrainEpoch(model, optimizer, colour, 1, new TrainOptions { BatchSize = 32 });

        Assert.Equal(320, result.ExampleCount);
        Assert.Equal(10, result.BatchCount);
        Assert.True(double.IsFinite(result.Loss));
        Assert.False(TestData.SameBytes(before, model.GetModelState()));
    }

    [Fact]
    public void TrainEpoch_ImagesOfTheWrongSize_ThrowsNamingBothSizes()
    {
        using var model = OpenFlCnn.Create();
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01);

        var ex = Assert.Throws<ArgumentException>(() => Trainer.TrainEpoch(model, optimizer, TestData.RandomColourImages(4, 1), 1));

        Assert.Contains("1×28×28", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3×32×32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEpoch_WithProximalTerm_StaysCloserToTheGlobalModel()
    {
        ImageDataset slice = data.Train.Take(3200);
        double Drift(double mu)
        {
            using var model = OpenFlCnn.Create(seed: 7);
            ModelState global = model.GetModelState();
            using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
            var options = new TrainOptions { Seed = 7, ProximalMu = mu, ProximalReference = global };
            Trainer.TrainEpoch(model, optimizer, slice, 1, options);
            return Distance(model.GetModelState(), global);
        }

        double plain = Drift(0);
        double proximal = Drift(2.0);

        Assert.True(proximal < 0.8 * plain, $"drift with mu=2: {proximal}, without: {plain}");
    }

    [Fact]
    public void TrainEpoch_ProximalReferenceOfAnotherModel_NamesTheMismatch()
    {
        using var model = OpenFlCnn.Create();
        using var other = FlowerCnn.Create();
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01);
        var options = new TrainOptions { ProximalMu = 0.1, ProximalReference = other.GetModelState() };

        var ex = Assert.Throws<IncompatibleModelStateException>(() => Trainer.TrainEpoch(model, optimizer, data.Train, 1, options));

        Assert.Contains("conv1.weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEpoch_Cancelled_Throws()
    {
        using var model = OpenFlCnn.Create();
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => Trainer.TrainEpoch(model, optimizer, data.Train, 1, cancellationToken: cts.Token));
    }

    private static double Distance(ModelState a, ModelState b)
    {
        double sum = 0;
        for (int i = 0; i < a.Count; i++)
        {
            ReadOnlySpan<float> x = a[i].AsReadOnlySpan<float>();
            ReadOnlySpan<float> y = b[i].AsReadOnlySpan<float>();
            for (int j = 0; j < x.Length; j++)
            {
                double d = x[j] - y[j];
                sum += d * d;
            }
        }

        return Math.Sqrt(sum);
    }
}
