using Confer.Core;
using static TorchSharp.torch;

namespace Confer.Torch;

/// <summary>Conversions between Confer's <see cref="NamedTensor"/> and TorchSharp tensors. Every conversion copies.</summary>
public static class TorchTensors
{
    /// <summary>The torch element type for a Confer element type.</summary>
    /// <param name="elementType">The Confer element type.</param>
    /// <returns>The matching <see cref="ScalarType"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An unknown element type.</exception>
    public static ScalarType ToScalarType(this ElementType elementType) => elementType switch
    {
        ElementType.Float32 => ScalarType.Float32,
        ElementType.Float64 => ScalarType.Float64,
        ElementType.Float16 => ScalarType.Float16,
        ElementType.BFloat16 => ScalarType.BFloat16,
        ElementType.Int64 => ScalarType.Int64,
        ElementType.Int32 => ScalarType.Int32,
        ElementType.UInt8 => ScalarType.Byte,
        ElementType.Int8 => ScalarType.Int8,
        ElementType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown element type."),
    };

    /// <summary>The Confer element type for a torch element type.</summary>
    /// <param name="scalarType">The torch element type.</param>
    /// <param name="tensorName">The tensor's name, for the error message.</param>
    /// <returns>The matching <see cref="ElementType"/>.</returns>
    /// <exception cref="NotSupportedException">A torch type a model state cannot hold (complex, int16, quantized).</exception>
    public static ElementType ToElementType(this ScalarType scalarType, string? tensorName = null) => scalarType switch
    {
        ScalarType.Float32 => ElementType.Float32,
        ScalarType.Float64 => ElementType.Float64,
        ScalarType.Float16 => ElementType.Float16,
        ScalarType.BFloat16 => ElementType.BFloat16,
        ScalarType.Int64 => ElementType.Int64,
        ScalarType.Int32 => ElementType.Int32,
        ScalarType.Byte => ElementType.UInt8,
        ScalarType.Int8 => ElementType.Int8,
        ScalarType.Bool => ElementType.Bool,
        _ => throw new NotSupportedException(
            $"Tensor '{tensorName ?? "?"}' has torch element type {scalarType}, which a model state cannot hold " +
            "(supported: float32, float64, float16, bfloat16, int64, int32, uint8, int8, bool)."),
    };

    /// <summary>Copies a torch tensor (any device, any strides) into a new <see cref="NamedTensor"/>.</summary>
    /// <param name="name">The name to give it.</param>
    /// <param name="tensor">The tensor; it is not changed and not kept.</param>
    /// <returns>A tensor owning its own bytes.</returns>
    public static NamedTensor ToNamedTensor(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ElementType elementType = tensor.dtype.ToElementType(name);
        long[] shape = tensor.shape;
        using var scope = NewDisposeScope();
        Tensor source = tensor.detach().cpu().contiguous();
        byte[] data = new byte[checked(source.numel() * elementType.SizeInBytes())];
        if (data.Length > 0)
        {
            source.bytes.CopyTo(data);
        }

        return new NamedTensor(name, elementType, shape, data);
    }

    /// <summary>Creates a new CPU torch tensor holding a copy of <paramref name="tensor"/>'s elements.</summary>
    /// <param name="tensor">The source.</param>
    /// <returns>A new tensor; the caller owns (disposes) it.</returns>
    public static Tensor ToTorch(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Tensor result = empty(tensor.Shape.ToArray(), tensor.ElementType.ToScalarType());
        if (tensor.ByteCount > 0)
        {
            tensor.Bytes.CopyTo(result.bytes);
        }

        return result;
    }

    /// <summary>
    /// Copies <paramref name="source"/>'s elements into an existing torch tensor of the same
    /// shape and element type, keeping the target's device, strides and memory format.
    /// </summary>
    /// <param name="source">The elements.</param>
    /// <param name="target">The tensor to overwrite (e.g. a parameter); autograd does not record the copy.</param>
    /// <exception cref="ArgumentException">Shape or element type differ.</exception>
    public static void CopyInto(NamedTensor source, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (target.dtype != source.ElementType.ToScalarType() || !target.shape.AsSpan().SequenceEqual(source.Shape))
        {
            throw new ArgumentException(
                $"Tensor '{source.Name}' is {source.ElementType.DisplayName()}{source.ShapeText} but the target is {target.dtype}{NamedTensor.FormatShape(target.shape)}.",
                nameof(source));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor staged = ToTorch(source);
        target.copy_(staged);
    }

    /// <summary>Whether every element of every floating-point tensor is finite.</summary>
    /// <param name="tensors">The tensors.</param>
    /// <returns><see langword="false"/> when any element is NaN or infinite.</returns>
    public static bool AllFinite(IEnumerable<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var scope = NewDisposeScope();
        foreach (Tensor t in tensors)
        {
            if (t.is_floating_point() && !isfinite(t.detach()).all().item<bool>())
            {
                return false;
            }
        }

        return true;
    }
}
