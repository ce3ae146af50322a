using CsCheck;

namespace Confer.Core.Tests;

public class ModelStateTests
{
    [Fact]
    public void Constructor_DuplicateNames_ThrowsNamingTheTensor()
    {
        var a = NamedTensor.Create<float>("fc1.weight", [2], [1f, 2f]);
        var b = NamedTensor.Create<float>("fc1.weight", [1], [3f]);

        var ex = Assert.Throws<ModelStateException>(() => new ModelState([a, b]));

        Assert.Contains("'fc1.weight'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindFirstMismatch_SecondTensorShapeDiffers_NamesThatTensorAndBothShapes()
    {
        var expected = TestStates.Model([1f, 2f], [0.5, 0.25]);
        var actual = new ModelState(
        [
            NamedTensor.Create<float>("layer.weight", [2], [1f, 2f]),
            NamedTensor.Create<double>("layer.bias", [1, 2], [0.5, 0.25]),
        ]);

        string? mismatch = expected.FindFirstMismatch(actual);

        Assert.Equal("tensor 'layer.bias' has shape [1, 2] where [2] was expected", mismatch);
    }

    [Fact]
    public void EnsureCompatible_NameAndTypeBothDiffer_ReportsOnlyTheFirstMismatch()
    {
        var expected = TestStates.Model([1f], [1.0]);
        var actual = new ModelState(
        [
            NamedTensor.Create<double>("layer.weight", [1], [1.0]),
            NamedTensor.Create<double>("other.bias", [1], [1.0]),
        ]);

        var ex = Assert.Throws<IncompatibleModelStateException>(() => expected.EnsureCompatible(actual, "the update from portland"));

        Assert.Equal("the update from portland does not match: tensor 'layer.weight' has element type float64 where float32 was expected.", ex.Message);
    }

    [Fact]
    public void FindFirstMismatch_MissingTensor_NamesIt()
    {
        var expected = TestStates.Model([1f], [1.0]);
        var actual = TestStates.Single("layer.weight", [1f]);

        Assert.Equal("tensor 'layer.bias' is missing (expected 2 tensors, got 1)", expected.FindFirstMismatch(actual));
        Assert.True(expected.IsCompatibleWith(expected.ZerosLike()));
    }

    [Fact]
    public void ComputeHash_SameContent_IsStableAcrossCopiesAndCalls()
    {
        var state = TestStates.Model([1f, -2f, 3.5f], [0.125]);

        string first = state.ComputeHash();

        Assert.Equal(64, first.Length);
        Assert.Equal(first, state.ComputeHash());
        Assert.Equal(first, state.Clone().ComputeHash());
        Assert.Equal(first, ModelStateSerializer.Deserialize(ModelStateSerializer.Serialize(state)).ComputeHash());
    }

    [Fact]
    public void ComputeHash_AnyOneByteChanged_Differs()
    {
        var gen = Gen.Select(Gen.Float[-10f, 10f].Array[1, 20], Gen.Int[0, 1000], Gen.Byte[1, 255]);
        Property.ForAll(gen, input =>
        {
            (float[] values, int position, byte flip) = input;
            var state = TestStates.Single("w", values);
            var copy = state.Clone();
            int at = position % (int)copy.ByteCount;
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(copy[0].AsSpan<float>())[at] ^= flip;

            Assert.NotEqual(state.ComputeHash(), copy.ComputeHash());
        });
    }

    [Fact]
    public void ComputeHash_RenamedTensor_Differs()
    {
        var a = TestStates.Single("a", [1f]);
        var b = TestStates.Single("b", [1f]);

        Assert.NotEqual(a.ComputeHash(), b.ComputeHash());
    }
}
