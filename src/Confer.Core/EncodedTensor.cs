namespace Confer.Core;

/// <summary>
/// One tensor of an encoded model state (<c>confer.v1.ModelStateProto</c> bytes), read in place:
/// its data is a view of the encoded bytes, valid only while the callback that received it runs.
/// </summary>
/// <remarks>
/// <see cref="ModelStateSerializer.ReadTensors"/> hands these out so that a large model can be
/// checked or folded straight from a received buffer or a mapped file, without a model-sized copy.
/// Every tensor handed out is well-formed, as <see cref="NamedTensor"/>'s constructor requires: a
/// non-empty name, no negative dimension, a data length that matches the shape and element type.
/// </remarks>
public readonly ref struct EncodedTensor
{
    internal EncodedTensor(int index, string name, ElementType elementType, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        Index = index;
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The tensor's position in the model state, from 0.</summary>
    public int Index { get; }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The element type (a defined <see cref="Core.ElementType"/>).</summary>
    public ElementType ElementType { get; }

    /// <summary>The dimensions as encoded.</summary>
    public ReadOnlySpan<long> Shape { get; }

    /// <summary>The elements' bytes as encoded (little-endian, row-major).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>True when the tensor has <paramref name="reference"/>'s name, element type and shape.</summary>
    /// <param name="reference">The expected tensor.</param>
    /// <returns>Whether the layouts agree.</returns>
    public bool HasLayoutOf(NamedTensor reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return string.Equals(Name, reference.Name, StringComparison.Ordinal)
            && ElementType == reference.ElementType
            && Shape.SequenceEqual(reference.Shape);
    }

    /// <summary>A copy as an owned tensor (for error paths and tests; it allocates the data).</summary>
    /// <returns>The tensor.</returns>
    public NamedTensor ToNamedTensor() => new(Name, ElementType, Shape, Data.ToArray());
}

/// <summary>Receives the tensors of an encoded model state, in order; see <see cref="ModelStateSerializer.ReadTensors"/>.</summary>
/// <param name="tensor">The tensor, valid only during the call.</param>
public delegate void EncodedTensorAction(EncodedTensor tensor);
