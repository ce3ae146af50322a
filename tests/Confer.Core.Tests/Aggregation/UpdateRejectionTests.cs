using Confer.Core.Aggregation;

namespace Confer.Core.Tests.Aggregation;

public class UpdateRejectionTests
{
    private static readonly ModelState Global = TestStates.Model([0f, 0f, 0f], [0.0, 0.0]);

    [Fact]
    public void Fold_NaNInSecondTensor_ThrowsNamingTensorIndexAndValue_AndFoldsNothing()
    {
        var accumulator = new WeightedMeanAccumulator(Global);
        accumulator.Fold(TestStates.Model([1f, 2f, 3f], [4.0, 5.0]), 2);
        ModelState before = accumulator.Result();
        var bad = TestStates.Model([9f, 9f, 9f], [9.0, double.NaN]);

        var ex = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(bad, 7, "the update from portland"));

        Assert.Equal(UpdateRejectionReason.NonFiniteValue, ex.Reason);
        Assert.Equal("layer.bias", ex.TensorName);
        Assert.Equal(1, ex.ElementIndex);
        Assert.True(double.IsNaN(ex.Value!.Value));
        Assert.StartsWith("The update from portland has a non-finite value NaN in tensor 'layer.bias' at element 1 (index [1] of shape [2])", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, accumulator.Count);
        Assert.Equal(2, accumulator.TotalWeight);
        Assert.True(TestStates.BitIdentical(before, accumulator.Result()));
    }

    [Fact]
    public void Fold_InfinityInLargeTensor_ReportsTheFirstBadIndexAcrossThreadParts()
    {
        int n = WeightedMeanAccumulator.ParallelThreshold * 2;
        var values = new float[n];
        values[n - 5] = float.NaN;
        values[n / 2 + 3] = float.NegativeInfinity;
        var update = new ModelState([NamedTensor.Create<float>("conv.weight", [2, n / 2], values)]);
        var accumulator = new WeightedMeanAccumulator(update.ZerosLike(), maxDegreeOfParallelism: 2);

        var ex = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(update, 1));

        Assert.Equal(n / 2 + 3, ex.ElementIndex);
        Assert.Equal(double.NegativeInfinity, ex.Value);
        Assert.Contains("index [1, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, accumulator.Count);
    }

    [Fact]
    public void Fold_NonFiniteFloat16AndBFloat16_Rejected()
    {
        var layout = new ModelState([NamedTensor.Create<Half>("h", [2], [Half.Zero, Half.Zero]), new NamedTensor("b", ElementType.BFloat16, [2], new byte[4])]);
        var halfBad = new ModelState([NamedTensor.Create<Half>("h", [2], [Half.One, Half.PositiveInfinity]), new NamedTensor("b", ElementType.BFloat16, [2], new byte[4])]);
        var bfloatBad = new ModelState([NamedTensor.Create<Half>("h", [2], [Half.One, Half.One]), new NamedTensor("b", ElementType.BFloat16, [2], [0, 0, 0xC0, 0x7F])]);
        var accumulator = new WeightedMeanAccumulator(layout);

        var half = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(halfBad, 1));
        var bfloat = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(bfloatBad, 1));

        Assert.Equal(("h", 1L), (half.TensorName, half.ElementIndex!.Value));
        Assert.Equal(("b", 1L), (bfloat.TensorName, bfloat.ElementIndex!.Value));
        Assert.Equal(0, accumulator.Count);
    }

    [Theory]
    [InlineData("shape")]
    [InlineData("name")]
    [InlineData("type")]
    [InlineData("missing")]
    public void Fold_LayoutMismatch_ThrowsNamingTheTensor_AndFoldsNothing(string kind)
    {
        ModelState update = kind switch
        {
            "shape" => new ModelState([NamedTensor.Create<float>("layer.weight", [3], [1f, 1f, 1f]), NamedTensor.Create<double>("layer.bias", [1, 2], [1.0, 1.0])]),
            "name" => new ModelState([NamedTensor.Create<float>("layer.weight", [3], [1f, 1f, 1f]), NamedTensor.Create<double>("layer.offset", [2], [1.0, 1.0])]),
            "type" => new ModelState([NamedTensor.Create<float>("layer.weight", [3], [1f, 1f, 1f]), NamedTensor.Create<float>("layer.bias", [2], [1f, 1f])]),
            _ => TestStates.Single("layer.weight", [1f, 1f, 1f]),
        };
        var accumulator = new WeightedMeanAccumulator(Global);

        var ex = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(update, 1));

        Assert.Equal(UpdateRejectionReason.LayoutMismatch, ex.Reason);
        Assert.Equal(kind == "name" ? "layer.offset" : "layer.bias", ex.TensorName);
        Assert.Contains(ex.TensorName!, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ModelStateException>(ex);
        Assert.Equal(0, accumulator.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Fold_InvalidWeight_ThrowsAndFoldsNothing(double weight)
    {
        var accumulator = new WeightedMeanAccumulator(Global);

        var ex = Assert.Throws<UpdateRejectedException>(() => accumulator.Fold(Global, weight));

        Assert.Equal(UpdateRejectionReason.InvalidWeight, ex.Reason);
        Assert.Contains("must be finite and greater than zero", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, accumulator.Count);
    }

    [Fact]
    public void Median_NonFiniteInThirdUpdate_ThrowsNamingTheUpdatePosition()
    {
        ModelState[] updates = [TestStates.Doubles([1, 2]), TestStates.Doubles([1, 2]), TestStates.Doubles([1, double.PositiveInfinity])];

        var ex = Assert.Throws<UpdateRejectedException>(() => ModelAggregation.Median(updates));

        Assert.StartsWith("Update 2 has a non-finite value Infinity in tensor 'w' at element 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodUpdate_DoesNotThrow()
    {
        var exception = Record.Exception(() => UpdateValidator.Validate(Global, Global.Clone(), 12));

        Assert.Null(exception);
    }
}
