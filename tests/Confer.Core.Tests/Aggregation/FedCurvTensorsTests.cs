using Confer.Core.Aggregation;

namespace Confer.Core.Tests.Aggregation;

public class FedCurvTensorsTests
{
    [Fact]
    public void Parameters_OnlyFullTriplesBesideAFloatingPointTensorOfTheSameLayout()
    {
        var state = new ModelState(
        [
            NamedTensor.Create<float>("conv.weight", [2, 2], [1, 2, 3, 4]),
            NamedTensor.Create<float>("fc.bias", [3], [1, 2, 3]),
            NamedTensor.Create<float>("gate_u", [1], [1]),
            NamedTensor.Create<long>("steps", [1], [1]),
            NamedTensor.Zeros("conv.weight_u", ElementType.Float32, [2, 2]),
            NamedTensor.Zeros("conv.weight_v", ElementType.Float32, [2, 2]),
            NamedTensor.Zeros("conv.weight_w", ElementType.Float32, [2, 2]),
            // fc.bias lacks its w, and its v has another shape: no triple.
            NamedTensor.Zeros("fc.bias_u", ElementType.Float32, [3]),
            NamedTensor.Zeros("fc.bias_v", ElementType.Float32, [2]),
            NamedTensor.Zeros("steps_u", ElementType.Int64, [1]),
            NamedTensor.Zeros("steps_v", ElementType.Int64, [1]),
            NamedTensor.Zeros("steps_w", ElementType.Int64, [1]),
        ]);

        Assert.Equal(["conv.weight"], FedCurvTensors.Parameters(state));
        Assert.Equal(["conv.weight_u", "conv.weight_v", "conv.weight_w"], FedCurvTensors.Names(state));
    }

    [Fact]
    public void WithZeros_AppendsAZeroTripleOfEachParametersLayout_ThatParametersFindAgain()
    {
        var state = new ModelState([NamedTensor.Create<float>("a", [2], [1, 2]), NamedTensor.Create<double>("b", [1, 3], [1, 2, 3])]);

        ModelState withZeros = FedCurvTensors.WithZeros(state, ["a", "b"]);

        Assert.Equal(["a", "b", "a_u", "a_v", "a_w", "b_u", "b_v", "b_w"], withZeros.Names);
        Assert.All(withZeros.Skip(2), t => Assert.True(t.Bytes.ToArray().All(x => x == 0)));
        Assert.True(withZeros["b_w"].HasSameLayout(state["b"]));
        Assert.Equal(["a", "b"], FedCurvTensors.Parameters(withZeros));
    }

    [Fact]
    public void WithZeros_AMissingOrIntegerParameter_IsRefusedNamingIt()
    {
        var state = new ModelState([NamedTensor.Create<long>("steps", [1], [1])]);

        var missing = Assert.Throws<ArgumentException>(() => FedCurvTensors.WithZeros(state, ["fc.weight"]));
        var integer = Assert.Throws<ArgumentException>(() => FedCurvTensors.WithZeros(state, ["steps"]));

        Assert.Contains("'fc.weight'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("int64", integer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FedCurvWeightedMean_SumsTheTriple_AndAveragesEverythingElse()
    {
        ModelState Update(float p, float u, float gate) => new(
        [
            NamedTensor.Create<float>("p", [1], [p]),
            NamedTensor.Create<float>("gate_u", [1], [gate]),
            NamedTensor.Create<float>("p_u", [1], [u]),
            NamedTensor.Create<float>("p_v", [1], [u * p]),
            NamedTensor.Create<float>("p_w", [1], [u * p * p]),
        ]);

        ModelState result = ModelAggregation.FedCurvWeightedMean([new(Update(1, 2, 0), 1), new(Update(3, 0.5f, 4), 3)]);

        Assert.Equal(2.5f, result["p"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(3f, result["gate_u"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(2.5f, result["p_u"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(3.5f, result["p_v"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(6.5f, result["p_w"].AsReadOnlySpan<float>()[0]);
    }
}
