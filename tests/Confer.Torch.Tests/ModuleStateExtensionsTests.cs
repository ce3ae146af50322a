using Confer.Core;
using Confer.Torch.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class ModuleStateExtensionsTests
{
    [Fact]
    public void GetModelState_OpenFlCnn_HasPyTorchNamesInStateDictOrder()
    {
        using var model = OpenFlCnn.Create();

        ModelState state = model.GetModelState();

        Assert.Equal(
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"],
            state.Names);
        Assert.Equal([10L, 1, 5, 5], state["conv1.weight"].Shape.ToArray());
        Assert.Equal([50L, 320], state["fc1.weight"].Shape.ToArray());
        Assert.All(state, t => Assert.Equal(ElementType.Float32, t.ElementType));
    }

    [Fact]
    public void GetModelState_FlowerCnn_HasPyTorchNamesInStateDictOrder()
    {
        using var model = FlowerCnn.Create();

        ModelState state = model.GetModelState();

        Assert.Equal(
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"],
            state.Names);
        Assert.Equal([120L, 400], state["fc1.weight"].Shape.ToArray());
    }

    [Theory]
    [InlineData(typeof(OpenFlCnn))]
    [InlineData(typeof(FlowerCnn))]
    public void LoadModelState_StateOfAnotherInstance_RoundTripsBitForBit(Type network)
    {
        using ClassifierNetwork source = Create(network, seed: 11);
        using ClassifierNetwork target = Create(network, seed: 12);
        ModelState expected = source.GetModelState();
        Assert.False(TestData.SameBytes(expected, target.GetModelState()));

        target.LoadModelState(expected);

        ModelState actual = target.GetModelState();
        Assert.True(TestData.SameBytes(expected, actual));
        Assert.Equal(expected.ComputeHash(), actual.ComputeHash());
    }

    [Fact]
    public void LoadModelState_BatchNormNetwork_RoundTripsParametersAndBuffersIncludingInt64()
    {
        using var source = new BatchNormNet(seed: 1);
        using var target = new BatchNormNet(seed: 2);
        source.train();
        using (var scope = NewDisposeScope())
        {
            // Two forward passes in training mode move the running statistics and count batches.
            source.forward(rand(8, 1, 28, 28));
            source.forward(rand(8, 1, 28, 28));
        }

        ModelState expected = source.GetModelState();
        target.LoadModelState(expected);
        ModelState actual = target.GetModelState();

        Assert.Contains("norm.running_mean", expected.Names);
        Assert.Contains("norm.running_var", expected.Names);
        NamedTensor tracked = expected["norm.num_batches_tracked"];
        Assert.Equal(ElementType.Int64, tracked.ElementType);
        Assert.Equal(2L, tracked.AsReadOnlySpan<long>()[0]);
        Assert.True(TestData.SameBytes(expected, actual));
        Assert.Equal(expected.Names, source.state_dict().Keys);
    }

    [Fact]
    public void GetModelState_ReturnsACopy_LaterTrainingDoesNotChangeIt()
    {
        using var model = OpenFlCnn.Create(seed: 3);
        ModelState state = model.GetModelState();
        ModelState snapshot = state.Clone();

        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                parameter.add_(1.0f);
            }
        }

        Assert.True(TestData.SameBytes(snapshot, state));
        Assert.False(TestData.SameBytes(snapshot, model.GetModelState()));
    }

    [Fact]
    public void LoadModelState_CopiesIn_LaterChangesToTheStateDoNotReachTheModel()
    {
        using var model = OpenFlCnn.Create(seed: 4);
        ModelState state = model.GetModelState();
        model.LoadModelState(state);
        ModelState loaded = model.GetModelState();

        state["fc2.bias"].AsSpan<float>().Fill(42f);

        Assert.True(TestData.SameBytes(loaded, model.GetModelState()));
    }

    [Fact]
    public void LoadModelState_PbufOfAnotherModel_NamesTheFirstMismatchingTensorAndChangesNothing()
    {
        using var flower = FlowerCnn.Create(seed: 1);
        using var openFl = OpenFlCnn.Create(seed: 1);
        string path = Path.Combine(Path.GetTempPath(), $"confer-torch-{Guid.NewGuid():N}_init.pbuf");
        try
        {
            ModelStateSerializer.Save(flower.GetModelState(), path);
            ModelState loaded = ModelStateSerializer.Load(path);
            ModelState before = openFl.GetModelState();

            var ex = Assert.Throws<IncompatibleModelStateException>(() => openFl.LoadModelState(loaded, Path.GetFileName(path)));

            Assert.Contains("'conv1.weight'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("[6, 3, 5, 5]", ex.Message, StringComparison.Ordinal);
            Assert.Contains("[10, 1, 5, 5]", ex.Message, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(path), ex.Message, StringComparison.Ordinal);
            Assert.True(TestData.SameBytes(before, openFl.GetModelState()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadModelState_MissingBuffer_NamesIt()
    {
        using var model = new BatchNormNet(seed: 1);
        ModelState full = model.GetModelState();
        var truncated = new ModelState(full.Where(t => t.Name != "norm.num_batches_tracked"));

        var ex = Assert.Throws<IncompatibleModelStateException>(() => model.LoadModelState(truncated));

        Assert.Contains("norm.num_batches_tracked", ex.Message, StringComparison.Ordinal);
    }

    private static ClassifierNetwork Create(Type network, long seed) =>
        network == typeof(OpenFlCnn) ? OpenFlCnn.Create(seed) : FlowerCnn.Create(seed);
}
