using System.Runtime.InteropServices;

namespace Confer.Core;

/// <summary>
/// One named tensor of a <see cref="ModelState"/>: a name, a shape, an element type and the
/// elements in row-major order. The tensor owns its buffer; <see cref="Clone"/> copies it.
/// </summary>
public sealed class NamedTensor
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    /// <summary>Creates a tensor over <paramref name="data"/> (taken, not copied).</summary>
    /// <param name="name">The tensor's name, e.g. <c>conv1.weight</c>. Must not be empty.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimensions; an empty shape is a scalar. No dimension may be negative.</param>
    /// <param name="data">The elements as little-endian bytes; its length must equal element count × element size.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative, or the data length does not match the shape.</exception>
    public NamedTensor(string name, ElementType elementType, ReadOnlySpan<long> shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        if (name.Length == 0)
        {
            throw new ArgumentException("A tensor needs a non-empty name.", nameof(name));
        }

        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension {shape[i]} at axis {i}.", nameof(shape));
            }

            count = checked(count * shape[i]);
        }

        long expected = checked(count * elementType.SizeInBytes());
        if (data.LongLength != expected)
        {
            throw new ArgumentException(
                $"Tensor '{name}' of shape {FormatShape(shape)} and type {elementType.DisplayName()} needs {expected} bytes, got {data.LongLength}.",
                nameof(data));
        }

        Name = name;
        ElementType = elementType;
        _shape = shape.ToArray();
        _data = data;
        ElementCount = count;
    }

    /// <summary>The tensor's name, unique within its model state.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public ElementType ElementType { get; }

    /// <summary>The dimensions, outermost first. Empty for a scalar.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>The size of the elements in bytes.</summary>
    public long ByteCount => _data.LongLength;

    /// <summary>The elements as little-endian bytes in row-major order.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The elements' buffer, for encoders that read it without copying (never written through).</summary>
    internal ReadOnlyMemory<byte> Memory => _data;

    /// <summary>The shape as text, e.g. <c>[10, 1, 5, 5]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Creates a tensor holding a copy of <paramref name="values"/>.</summary>
    /// <typeparam name="T">The CLR element type (float, double, Half, long, int, byte, sbyte, bool).</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">The dimensions.</param>
    /// <param name="values">The elements in row-major order.</param>
    /// <returns>The new tensor.</returns>
    public static NamedTensor Create<T>(string name, ReadOnlySpan<long> shape, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        byte[] data = MemoryMarshal.AsBytes(values).ToArray();
        return new NamedTensor(name, ElementTypeExtensions.Of<T>(), shape, data);
    }

    /// <summary>Creates a zero-filled tensor.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The new tensor.</returns>
    public static NamedTensor Zeros(string name, ElementType elementType, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count = checked(count * Math.Max(d, 0));
        }

        return new NamedTensor(name, elementType, shape, new byte[checked(count * elementType.SizeInBytes())]);
    }

    /// <summary>A zero-filled tensor with this tensor's name, shape and element type.</summary>
    /// <returns>The new tensor.</returns>
    public NamedTensor ZerosLike() => Zeros(Name, ElementType, _shape);

    /// <summary>The elements, read-only, as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">Must match <see cref="ElementType"/> (<see cref="ushort"/> for bfloat16).</typeparam>
    /// <returns>A span over the tensor's buffer.</returns>
    public ReadOnlySpan<T> AsReadOnlySpan<T>()
        where T : unmanaged => AsSpan<T>();

    /// <summary>The elements, writable, as <typeparamref name="T"/>. Writes change this tensor.</summary>
    /// <typeparam name="T">Must match <see cref="ElementType"/> (<see cref="ushort"/> for bfloat16).</typeparam>
    /// <returns>A span over the tensor's buffer.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the element type.</exception>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        bool matches = ElementType == ElementType.BFloat16
            ? typeof(T) == typeof(ushort)
            : ElementType == ElementTypeExtensions.Of<T>();
        if (!matches)
        {
            throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType.DisplayName()}, not {typeof(T).Name}.");
        }

        return MemoryMarshal.Cast<byte, T>(_data.AsSpan());
    }

    /// <summary>A deep copy (new buffer).</summary>
    /// <returns>The copy.</returns>
    public NamedTensor Clone() => new(Name, ElementType, _shape, (byte[])_data.Clone());

    /// <summary>A copy of this tensor's shape, type and data under another name.</summary>
    /// <param name="name">The new name.</param>
    /// <returns>The copy.</returns>
    public NamedTensor CloneAs(string name) => new(name, ElementType, _shape, (byte[])_data.Clone());

    /// <summary>
    /// A tensor with another name over the same buffer: a change to either is seen by both. For
    /// encoding a tensor under another name (e.g. with a prefix in a checkpoint) without a copy.
    /// </summary>
    /// <param name="name">The new name.</param>
    /// <returns>The tensor sharing this one's data.</returns>
    public NamedTensor ShareAs(string name) => new(name, ElementType, _shape, _data);

    /// <summary>Whether <paramref name="other"/> has the same shape and element type.</summary>
    /// <param name="other">The tensor to compare with.</param>
    /// <returns><see langword="true"/> when shape and element type are equal.</returns>
    public bool HasSameLayout(NamedTensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ElementType == other.ElementType && Shape.SequenceEqual(other.Shape);
    }

    /// <summary>The underlying buffer, for encoders that must not copy.</summary>
    /// <returns>The buffer.</returns>
    internal byte[] GetBuffer() => _data;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ElementType.DisplayName()}{ShapeText}";

    /// <summary>Formats a shape as <c>[d0, d1, ...]</c>.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The text.</returns>
    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        return "[" + string.Join(", ", shape.ToArray()) + "]";
    }
}
