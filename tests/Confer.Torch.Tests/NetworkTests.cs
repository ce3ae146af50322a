using Confer.Core;
using Confer.Torch.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class NetworkTests
{
    [Fact]
    public void Create_SameSeed_GivesBitIdenticalWeightsWhateverElseUsedTheGlobalGenerator()
    {
        using var first = OpenFlCnn.Create(seed: 42);
        manual_seed(123);
        using (rand(1000))
        {
        }

        using var second = OpenFlCnn.Create(seed: 42);
        using var other = OpenFlCnn.Create(seed: 43);

        Assert.Equal(first.GetModelState().ComputeHash(), second.GetModelState().ComputeHash());
        Assert.NotEqual(first.GetModelState().ComputeHash(), other.GetModelState().ComputeHash());
    }

    [Fact]
    public void Create_FlowerCnnSameSeed_GivesBitIdenticalWeights()
    {
        using var first = FlowerCnn.Create(seed: 5);
        using var second = FlowerCnn.Create(seed: 5);

        Assert.True(TestData.SameBytes(first.GetModelState(), second.GetModelState()));
    }

    [Fact]
    public void Create_WeightsFollowPyTorchDefaultBounds()
    {
        using var model = OpenFlCnn.Create(seed: 1);
        ModelState state = model.GetModelState();

        // PyTorch's default init draws weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        AssertWithin(state["conv1.weight"], 1 / Math.Sqrt(25));
        AssertWithin(state["conv1.bias"], 1 / Math.Sqrt(25));
        AssertWithin(state["conv2.weight"], 1 / Math.Sqrt(250));
        AssertWithin(state["fc1.weight"], 1 / Math.Sqrt(320));
        AssertWithin(state["fc2.bias"], 1 / Math.Sqrt(50));
    }

    [Fact]
    public void Forward_OpenFlCnn_ReturnsLogProbabilitiesPerImage()
    {
        using var model = OpenFlCnn.Create();
        model.eval();
        using var scope = NewDisposeScope();

        Tensor output = model.forward(rand(5, 1, 28, 28));

        Assert.Equal([5L, 10], output.shape);
        float[] rowSums = output.exp().sum(1).data<float>().ToArray();
        Assert.All(rowSums, s => Assert.Equal(1f, s, 1e-4f));
    }

    [Fact]
    public void Forward_FlowerCnn_ReturnsTenLogitsPerImage()
    {
        using var model = FlowerCnn.Create();
        using var scope = NewDisposeScope();

        Tensor output = model.forward(rand(3, 3, 32, 32));

        Assert.Equal([3L, 10], output.shape);
        Assert.Equal(ClassifierOutput.Logits, model.Output);
    }

    private static void AssertWithin(NamedTensor tensor, double bound)
    {
        float[] values = tensor.AsReadOnlySpan<float>().ToArray();
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(values.Max() > bound / 2, $"{tensor.Name} does not spread over its range");
    }
}
