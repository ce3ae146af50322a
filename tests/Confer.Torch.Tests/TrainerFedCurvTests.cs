using Confer.Core;
using Confer.Data;
using Confer.Torch.Internal;
using Confer.Torch.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TrainerFedCurvTests(FashionMnistFixture data)
{
    [Fact]
    public void FedCurvPenalty_TinyModel_EqualsTheHandComputation()
    {
        using var model = nn.Linear(2, 1);
        model.LoadModelState(new ModelState([Tensor("weight", [1, 2], 1, -2), Tensor("bias", [1], 0.5f)]));
        var global = new ModelState(
        [
            Tensor("weight_u", [1, 2], 3, 1), Tensor("weight_v", [1, 2], 2, -1), Tensor("weight_w", [1, 2], 4, 3),
            Tensor("bias_u", [1], 2), Tensor("bias_v", [1], 1), Tensor("bias_w", [1], 1.5f),
        ]);
        var local = new ModelState(
        [
            Tensor("weight_u", [1, 2], 1, 0.5f), Tensor("weight_v", [1, 2], 0.5f, 0), Tensor("weight_w", [1, 2], 1, 1),
            Tensor("bias_u", [1], 0), Tensor("bias_v", [1], 0), Tensor("bias_w", [1], 0),
        ]);

        double withLocal = Trainer.FedCurvPenalty(model, 0.1, global, local);
        double withoutLocal = Trainer.FedCurvPenalty(model, 0.1, global);

        // θ²·(U − u) − 2θ·(V − v) + (W − w), per element:
        //   weight[0]: 1·2 − 2·1·1.5 + 3 = 2;  weight[1]: 4·0.5 − 2·(−2)·(−1) + 2 = 0;  bias: 0.25·2 − 2·0.5·1 + 1.5 = 1.
        // Without the local terms: 1·3 − 2·1·2 + 4 = 3;  4·1 − 2·(−2)·(−1) + 3 = 3;  and the bias's 1.
        Assert.Equal(0.1 * 3, withLocal, 12);
        Assert.Equal(0.1 * 7, withoutLocal, 12);
    }

    [Fact]
    public void FedCurvPenalty_OfAFishersOwnTriple_IsTheFisherWeightedSquaredDistanceToItsParameters()
    {
        // With u = F, v = F·θ*, w = F·θ*², the penalty is λ·Σ F·(θ − θ*)².
        using var model = Linear784();
        var random = new Random(3);
        ModelState state = model.GetModelState();
        ModelState anchor = new(state.Select(t => Fill(t, t.Name, _ => (float)(random.NextDouble() - 0.5))));
        ModelState fisher = new(state.Select(t => Fill(t, t.Name, _ => (float)random.NextDouble() * 3)));
        ModelState global = Triple(state, (name, i) => Value(fisher, name, i), (name, i) => Value(fisher, name, i) * Value(anchor, name, i), (name, i) => Value(fisher, name, i) * Value(anchor, name, i) * Value(anchor, name, i));

        double penalty = Trainer.FedCurvPenalty(model, 0.25, global);

        double expected = 0;
        foreach (NamedTensor t in state)
        {
            for (int i = 0; i < t.ElementCount; i++)
            {
                double d = Value(state, t.Name, i) - (double)Value(anchor, t.Name, i);
                expected += Value(fisher, t.Name, i) * d * d;
            }
        }

        Assert.Equal(0.25 * expected, penalty, 1e-4 * expected);
    }

    [Fact]
    public void TrainEpoch_FedCurv_AddsThePenaltysGradientToEachStep()
    {
        // One SGD step without momentum: θ_λ − θ_0 = −lr·λ·2·(θ·(U − u) − (V − v)) exactly, the data gradient being the same.
        var random = new Random(5);
        ModelState start;
        using (var init = Linear784())
        {
            start = init.GetModelState();
        }

        ModelState global = Triple(start, (_, _) => (float)random.NextDouble() * 2, (_, _) => (float)(random.NextDouble() * 2) - 1, (_, _) => 7);
        ModelState local = Triple(start, (_, _) => 0.5f, (_, _) => 0.25f, (_, _) => 1);
        ModelState Step(double importance)
        {
            using var model = Linear784();
            model.LoadModelState(start);
            using var optimizer = new SgdOptimizer(model, learningRate: 0.1);
            var options = new TrainOptions { BatchSize = 16, Shuffle = false, MaxBatches = 1, FedCurvImportance = importance, FedCurvGlobal = global, FedCurvLocal = local };
            Trainer.TrainEpoch(model, optimizer, data.Train, 1, options);
            return model.GetModelState();
        }

        ModelState penalised = Step(0.5);
        ModelState plain = Step(0);

        foreach (NamedTensor t in start)
        {
            (string u, string v, _) = Core.Aggregation.FedCurvTensors.NamesOf(t.Name);
            for (int i = 0; i < t.ElementCount; i++)
            {
                double expected = -0.1 * 0.5 * 2 * ((Value(start, t.Name, i) * (Value(global, u, i) - 0.5)) - (Value(global, v, i) - 0.25));
                Assert.Equal(expected, Value(penalised, t.Name, i) - (double)Value(plain, t.Name, i), 2e-6);
            }
        }
    }

    [Fact]
    public void TrainEpoch_LargeImportanceWhereTheFisherIsLarge_ThoseWeightsMoveMuchLessFromTheGlobalValue()
    {
        // The other collaborators' Fisher is 25 on conv1 and fc1 and 0 elsewhere, anchored at the global model.
        string[] anchored = ["conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias"];
        ImageDataset slice = data.Train.Take(3200);
        ModelState global;
        using (var init = OpenFlCnn.Create(seed: 7))
        {
            global = init.GetModelState();
        }

        float Fisher(string name) => anchored.Contains(name) ? 25 : 0;
        ModelState triple = Triple(global, (name, _) => Fisher(name), (name, i) => Fisher(name) * Value(global, name, i), (name, i) => Fisher(name) * Value(global, name, i) * Value(global, name, i));
        ModelState Train(double importance)
        {
            manual_seed(11);
            using var model = OpenFlCnn.Create(seed: 7);
            using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
            Trainer.TrainEpoch(model, optimizer, slice, 1, new TrainOptions { Seed = 7, FedCurvImportance = importance, FedCurvGlobal = triple });
            return model.GetModelState();
        }

        ModelState free = Train(0);
        ModelState penalised = Train(1);

        double freeAnchored = Drift(free, global, anchored);
        double penalisedAnchored = Drift(penalised, global, anchored);
        string[] others = [.. global.Names.Except(anchored)];
        double freeOthers = Drift(free, global, others);
        double penalisedOthers = Drift(penalised, global, others);
        Assert.True(penalisedAnchored < 0.2 * freeAnchored, $"drift of the anchored weights with importance 1: {penalisedAnchored:G4}, with 0: {freeAnchored:G4}");
        Assert.True(penalisedOthers > 0.5 * freeOthers, $"drift of the other weights with importance 1: {penalisedOthers:G4}, with 0: {freeOthers:G4}");
    }

    [Fact]
    public void ComputeFedCurvTensors_TheMeanOverBatchesOfTheSquaredBatchGradient_AndVAndWFromIt()
    {
        ImageDataset eight = data.Train.Take(8);
        using var model = Linear784();
        var options = new TrainOptions { BatchSize = 4 };

        ModelState whole = Trainer.ComputeFedCurvTensors(model, eight, options);
        ModelState first = Trainer.ComputeFedCurvTensors(model, eight, options, [0, 1, 2, 3]);
        ModelState second = Trainer.ComputeFedCurvTensors(model, eight, options, [4, 5, 6, 7]);
        ModelState gradient = SquaredGradient(model, eight, [0, 1, 2, 3]);
        ModelState theta = model.GetModelState();

        Assert.Equal(["fc.weight_u", "fc.weight_v", "fc.weight_w", "fc.bias_u", "fc.bias_v", "fc.bias_w"], whole.Names);
        foreach (string name in theta.Names)
        {
            (string u, string v, string w) = Core.Aggregation.FedCurvTensors.NamesOf(name);
            for (int i = 0; i < theta[name].ElementCount; i++)
            {
                float f = Value(whole, u, i);
                Assert.True(f >= 0, $"{u}[{i}] = {f}");
                Assert.Equal(Value(gradient, name, i), Value(first, u, i), 1e-7 + (1e-5 * Value(gradient, name, i)));
                Assert.Equal((Value(first, u, i) + Value(second, u, i)) / 2, f, 1e-7 + (1e-5 * f));
                Assert.Equal(f * Value(theta, name, i), Value(whole, v, i), 1e-9 + (1e-5 * Math.Abs(Value(whole, v, i))));
                Assert.Equal(f * Value(theta, name, i) * Value(theta, name, i), Value(whole, w, i), 1e-9 + (1e-5 * Math.Abs(Value(whole, w, i))));
            }
        }

        Assert.Contains(whole["fc.weight_u"].AsReadOnlySpan<float>().ToArray(), x => x > 0);
    }

    [Fact]
    public void FedCurvPenalty_AGlobalWithoutAParametersTriple_NamesTheMissingTensor()
    {
        using var model = nn.Linear(2, 1);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01);
        var global = new ModelState([Tensor("weight_u", [1, 2], 0, 0), Tensor("weight_v", [1, 2], 0, 0), Tensor("weight_w", [1, 2], 0, 0)]);

        var error = Assert.Throws<IncompatibleModelStateException>(() => Trainer.FedCurvPenalty(model, 1, global));

        Assert.Contains("'bias_u'", error.Message, StringComparison.Ordinal);
    }

    private static nn.Module<Tensor, Tensor> Linear784()
    {
        manual_seed(3);
        return nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(784, 10)));
    }

    /// <summary>The squared gradient of the mean cross-entropy over one batch, by hand.</summary>
    private static ModelState SquaredGradient(nn.Module<Tensor, Tensor> model, ImageDataset dataset, int[] batch)
    {
        using var scope = NewDisposeScope();
        (Tensor images, Tensor labels) = new BatchBuilder(dataset, batch.Length).Build(batch);
        model.eval();
        model.zero_grad();
        nn.functional.cross_entropy(model.forward(images), labels).backward();
        var result = new ModelState(model.named_parameters().Select(p => TorchTensors.ToNamedTensor(p.name, p.parameter.grad!.square())));
        model.zero_grad();
        return result;
    }

    private static ModelState Triple(ModelState parameters, Func<string, int, float> u, Func<string, int, float> v, Func<string, int, float> w) =>
        new(parameters.SelectMany(t =>
        {
            (string uName, string vName, string wName) = Core.Aggregation.FedCurvTensors.NamesOf(t.Name);
            return new[] { Fill(t, uName, i => u(t.Name, i)), Fill(t, vName, i => v(t.Name, i)), Fill(t, wName, i => w(t.Name, i)) };
        }));

    private static NamedTensor Fill(NamedTensor like, string name, Func<int, float> value)
    {
        var values = new float[like.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = value(i);
        }

        return NamedTensor.Create<float>(name, like.Shape, values);
    }

    private static NamedTensor Tensor(string name, long[] shape, params float[] values) => NamedTensor.Create<float>(name, shape, values);

    private static float Value(ModelState state, string name, int index) => state[name].AsReadOnlySpan<float>()[index];

    private static double Drift(ModelState a, ModelState b, IEnumerable<string> names)
    {
        double sum = 0;
        foreach (string name in names)
        {
            ReadOnlySpan<float> x = a[name].AsReadOnlySpan<float>();
            ReadOnlySpan<float> y = b[name].AsReadOnlySpan<float>();
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - y[i];
                sum += d * d;
            }
        }

        return Math.Sqrt(sum);
    }
}
