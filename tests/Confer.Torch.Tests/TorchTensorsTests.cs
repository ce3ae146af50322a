using Confer.Core;
using Confer.Torch.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Confer.Torch.Tests;

[Collection(TorchCollection.Name)]
public class TorchTensorsTests
{
    public static TheoryData<ElementType> AllElementTypes() => new(Enum.GetValues<ElementType>());

    [Theory]
    [MemberData(nameof(AllElementTypes))]
    public void ToTorchThenToNamedTensor_EveryElementType_RoundTripsBitForBit(ElementType elementType)
    {
        byte[] data = new byte[2 * 3 * elementType.SizeInBytes()];
        new Random((int)elementType).NextBytes(data);
        if (elementType == ElementType.Bool)
        {
            // torch stores bools as 0/1 bytes; other byte values are not valid booleans.
            for (int i = 0; i < data.Length; i++)
            {
                data[i] &= 1;
            }
        }

        var source = new NamedTensor("t", elementType, [2, 3], data);

        using Tensor torchTensor = TorchTensors.ToTorch(source);
        NamedTensor back = TorchTensors.ToNamedTensor("t", torchTensor);

        Assert.Equal(elementType.ToScalarType(), torchTensor.dtype);
        Assert.Equal(elementType, back.ElementType);
        Assert.Equal([2L, 3], back.Shape.ToArray());
        Assert.Equal(data, back.Bytes.ToArray());
    }

    [Fact]
    public void ToNamedTensor_NonContiguousTensor_CopiesInLogicalRowMajorOrder()
    {
        using Tensor matrix = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using Tensor transposed = matrix.t();

        NamedTensor result = TorchTensors.ToNamedTensor("m", transposed);

        Assert.Equal([3L, 2], result.Shape.ToArray());
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, result.AsReadOnlySpan<float>().ToArray());
    }

    [Fact]
    public void ToNamedTensor_Scalar_KeepsEmptyShape()
    {
        using Tensor scalar = tensor(7L);

        NamedTensor result = TorchTensors.ToNamedTensor("count", scalar);

        Assert.Equal(0, result.Shape.Length);
        Assert.Equal(7L, result.AsReadOnlySpan<long>()[0]);
    }

    [Fact]
    public void ToElementType_UnsupportedTorchType_NamesTheTensor()
    {
        var ex = Assert.Throws<NotSupportedException>(() => ScalarType.Int16.ToElementType("layer.weight"));

        Assert.Contains("layer.weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyInto_ShapeMismatch_Throws()
    {
        using Tensor target = zeros(3);
        NamedTensor source = NamedTensor.Create<float>("x", [2], [1f, 2f]);

        var ex = Assert.Throws<ArgumentException>(() => TorchTensors.CopyInto(source, target));

        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }
}
