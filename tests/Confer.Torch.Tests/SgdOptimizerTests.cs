using Confer.Core;
using Confer.Torch.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class SgdOptimizerTests
{
    [Fact]
    public void Step_WithMomentum_FollowsPyTorchUpdateRule()
    {
        using var layer = nn.Linear(2, 1, hasBias: false);
        using (no_grad())
        {
            layer.weight!.copy_(tensor(new float[] { 1f, 1f }).reshape(1, 2));
        }

        using var optimizer = new SgdOptimizer(layer, learningRate: 0.1, momentum: 0.5);
        using Tensor input = tensor(new float[] { 1f, 2f }).reshape(1, 2);

        // The gradient of sum(w·x) is x = [1, 2] at every step: b1 = g, b2 = 0.5·g + g.
        for (int step = 0; step < 2; step++)
        {
            optimizer.ZeroGrad();
            using var scope = NewDisposeScope();
            layer.forward(input).sum().backward();
            optimizer.Step();
        }

        float[] weights = layer.weight!.data<float>().ToArray();
        Assert.Equal(1f - (0.1f * 1f) - (0.15f * 1f), weights[0], 1e-6f);
        Assert.Equal(1f - (0.1f * 2f) - (0.15f * 2f), weights[1], 1e-6f);
        Assert.Equal(new float[] { 1.5f, 3f }, optimizer.GetState()["weight"].AsReadOnlySpan<float>().ToArray());
    }

    [Fact]
    public void GetStateSetState_RoundTripsMomentumBuffersIntoAnotherOptimizer()
    {
        using var model = OpenFlCnn.Create(seed: 1);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
        TrainSteps(model, optimizer);
        ModelState state = optimizer.GetState();

        using var other = OpenFlCnn.Create(seed: 2);
        using var receiver = new SgdOptimizer(other, learningRate: 0.01, momentum: 0.5);
        receiver.SetState(state);

        Assert.Equal(model.GetModelState().Names, state.Names);
        Assert.Contains(state, t => t.AsReadOnlySpan<float>().ToArray().Any(v => v != 0));
        Assert.True(TestData.SameBytes(state, receiver.GetState()));
    }

    [Fact]
    public void GetState_IsACopy_LaterStepsDoNotChangeIt()
    {
        using var model = OpenFlCnn.Create(seed: 1);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
        TrainSteps(model, optimizer);
        ModelState state = optimizer.GetState();
        ModelState snapshot = state.Clone();

        TrainSteps(model, optimizer);

        Assert.True(TestData.SameBytes(snapshot, state));
        Assert.False(TestData.SameBytes(snapshot, optimizer.GetState()));
    }

    [Fact]
    public void Apply_Treatments_ResetKeepOrReplaceTheState()
    {
        using var model = OpenFlCnn.Create(seed: 1);
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
        TrainSteps(model, optimizer);
        ModelState local = optimizer.GetState();
        ModelState global = local.ZerosLike();
        global["fc2.bias"].AsSpan<float>().Fill(0.25f);

        optimizer.Apply(OptimizerTreatment.ContinueLocal);
        Assert.True(TestData.SameBytes(local, optimizer.GetState()));

        optimizer.Apply(OptimizerTreatment.ContinueGlobal, global);
        Assert.True(TestData.SameBytes(global, optimizer.GetState()));

        optimizer.Apply(OptimizerTreatment.Reset);
        Assert.All(optimizer.GetState(), t => Assert.All(t.AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(0f, v)));
        Assert.Throws<ArgumentException>(() => optimizer.Apply(OptimizerTreatment.ContinueGlobal));
    }

    [Fact]
    public void SetState_StateOfAnotherNetwork_NamesTheFirstMismatch()
    {
        using var model = OpenFlCnn.Create();
        using var flower = FlowerCnn.Create();
        using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
        using var flowerOptimizer = new SgdOptimizer(flower, learningRate: 0.01, momentum: 0.5);

        var ex = Assert.Throws<IncompatibleModelStateException>(() => optimizer.SetState(flowerOptimizer.GetState()));

        Assert.Contains("'conv1.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("optimizer state", ex.Message, StringComparison.Ordinal);
    }

    private static void TrainSteps(OpenFlCnn model, SgdOptimizer optimizer)
    {
        var images = new Data.ImageDataset("noise", 1, 28, 28, new byte[128 * 784].Select((_, i) => (byte)(i * 7)).ToArray(), new byte[128].Select((_, i) => (byte)(i % 10)).ToArray(), 10);
        Trainer.TrainEpoch(model, optimizer, images, 1, new TrainOptions { BatchSize = 32 });
    }
}
