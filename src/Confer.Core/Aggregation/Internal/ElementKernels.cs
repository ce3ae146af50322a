using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Confer.Core.Aggregation.Internal;

/// <summary>
/// Element-level helpers shared by the aggregators: finiteness scans and conversions between a
/// tensor's element type and float64 working values.
/// </summary>
internal static class ElementKernels
{
    /// <summary>Elements per block when scanning, so a bad value is located without a second full pass.</summary>
    private const int ScanBlock = 16384;

    /// <summary>
    /// The flat index of the first NaN or infinity in <paramref name="tensor"/> within
    /// [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>), or -1.
    /// Integer tensors are always finite.
    /// </summary>
    public static long FindFirstNonFinite(NamedTensor tensor, long start, long length) =>
        FindFirstNonFinite(tensor.ElementType, tensor.GetBuffer(), start, length);

    /// <summary>The flat index of the first NaN or infinity among the elements [start, start + length) of <paramref name="bytes"/> read as <paramref name="type"/>, or -1 (always -1 for integer types).</summary>
    public static long FindFirstNonFinite(ElementType type, ReadOnlySpan<byte> bytes, long start, long length) =>
        type switch
        {
            ElementType.Float32 => FindFirstNonFinite(MemoryMarshal.Cast<byte, float>(bytes), start, length),
            ElementType.Float64 => FindFirstNonFinite(MemoryMarshal.Cast<byte, double>(bytes), start, length),
            ElementType.Float16 => FindFirstNonFinite(MemoryMarshal.Cast<byte, Half>(bytes), start, length),
            ElementType.BFloat16 => FindFirstNonFiniteBFloat16(MemoryMarshal.Cast<byte, ushort>(bytes), start, length),
            _ => -1,
        };

    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    public static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static long FindFirstNonFinite<T>(ReadOnlySpan<T> values, long start, long length)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int end = checked((int)(start + length));
        for (int blockStart = (int)start; blockStart < end; blockStart += ScanBlock)
        {
            ReadOnlySpan<T> block = values[blockStart..Math.Min(end, blockStart + ScanBlock)];
            if (!TensorPrimitives.IsFiniteAll(block))
            {
                return blockStart + IndexOfNonFinite(block);
            }
        }

        return -1;
    }

    private static long FindFirstNonFiniteBFloat16(ReadOnlySpan<ushort> bits, long start, long length)
    {
        int end = checked((int)(start + length));
        for (int i = (int)start; i < end; i++)
        {
            // An all-ones exponent is infinity or NaN, exactly as in float32's upper half.
            if ((bits[i] & 0x7F80) == 0x7F80)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The element at flat index <paramref name="index"/> as a double (bool as 0 or 1).</summary>
    public static double ReadAsDouble(NamedTensor tensor, long index)
    {
        Span<double> one = stackalloc double[1];
        ReadAsDouble(tensor, index, one);
        return one[0];
    }

    /// <summary>Converts elements [<paramref name="start"/>, start + destination.Length) to float64; exact for every type except int64 beyond 2^53.</summary>
    public static void ReadAsDouble(NamedTensor tensor, long start, Span<double> destination)
    {
        Span<byte> bytes = tensor.GetBuffer().AsSpan();
        int s = checked((int)start);
        int n = destination.Length;
        switch (tensor.ElementType)
        {
            case ElementType.Float32:
                {
                    ReadOnlySpan<float> src = MemoryMarshal.Cast<byte, float>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = src[i];
                    }

                    break;
                }

            case ElementType.Float64:
                MemoryMarshal.Cast<byte, double>(bytes).Slice(s, n).CopyTo(destination);
                break;
            case ElementType.Float16:
                {
                    ReadOnlySpan<Half> src = MemoryMarshal.Cast<byte, Half>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = (double)src[i];
                    }

                    break;
                }

            case ElementType.BFloat16:
                {
                    ReadOnlySpan<ushort> src = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = BFloat16ToSingle(src[i]);
                    }

                    break;
                }

            case ElementType.Int64:
                {
                    ReadOnlySpan<long> src = MemoryMarshal.Cast<byte, long>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = src[i];
                    }

                    break;
                }

            case ElementType.Int32:
                {
                    ReadOnlySpan<int> src = MemoryMarshal.Cast<byte, int>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = src[i];
                    }

                    break;
                }

            case ElementType.UInt8:
            case ElementType.Bool:
                {
                    ReadOnlySpan<byte> src = bytes.Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = src[i];
                    }

                    break;
                }

            case ElementType.Int8:
                {
                    ReadOnlySpan<sbyte> src = MemoryMarshal.Cast<byte, sbyte>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = src[i];
                    }

                    break;
                }

            default:
                throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {tensor.ElementType}, which Confer cannot aggregate.");
        }
    }

    /// <summary>
    /// Writes float64 working values into elements [<paramref name="start"/>, start + source.Length)
    /// of <paramref name="tensor"/>: floating types round to nearest (even), integer types round
    /// half to even and clamp to the type's range, bool is 1 for a value of at least 0.5 after that rounding.
    /// </summary>
    public static void WriteFromDouble(NamedTensor tensor, long start, ReadOnlySpan<double> source)
    {
        Span<byte> bytes = tensor.GetBuffer().AsSpan();
        int s = checked((int)start);
        int n = source.Length;
        switch (tensor.ElementType)
        {
            case ElementType.Float32:
                {
                    Span<float> dst = MemoryMarshal.Cast<byte, float>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (float)source[i];
                    }

                    break;
                }

            case ElementType.Float64:
                source.CopyTo(MemoryMarshal.Cast<byte, double>(bytes).Slice(s, n));
                break;
            case ElementType.Float16:
                {
                    Span<Half> dst = MemoryMarshal.Cast<byte, Half>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (Half)source[i];
                    }

                    break;
                }

            case ElementType.BFloat16:
                {
                    Span<ushort> dst = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = SingleToBFloat16((float)source[i]);
                    }

                    break;
                }

            case ElementType.Int64:
                {
                    Span<long> dst = MemoryMarshal.Cast<byte, long>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = RoundToInt64(source[i]);
                    }

                    break;
                }

            case ElementType.Int32:
                {
                    Span<int> dst = MemoryMarshal.Cast<byte, int>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (int)RoundClamp(source[i], int.MinValue, int.MaxValue);
                    }

                    break;
                }

            case ElementType.UInt8:
                {
                    Span<byte> dst = bytes.Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (byte)RoundClamp(source[i], byte.MinValue, byte.MaxValue);
                    }

                    break;
                }

            case ElementType.Int8:
                {
                    Span<sbyte> dst = MemoryMarshal.Cast<byte, sbyte>(bytes).Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (sbyte)RoundClamp(source[i], sbyte.MinValue, sbyte.MaxValue);
                    }

                    break;
                }

            case ElementType.Bool:
                {
                    Span<byte> dst = bytes.Slice(s, n);
                    for (int i = 0; i < n; i++)
                    {
                        dst[i] = (byte)RoundClamp(source[i], 0, 1);
                    }

                    break;
                }

            default:
                throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {tensor.ElementType}, which Confer cannot aggregate.");
        }
    }

    /// <summary>Rounds half to even, then clamps, so a mean of in-range integers is always representable.</summary>
    public static double RoundClamp(double value, double min, double max) =>
        Math.Clamp(Math.Round(value, MidpointRounding.ToEven), min, max);

    /// <summary>Rounds half to even into int64, saturating: 2^63 itself is one past long's range.</summary>
    public static long RoundToInt64(double value)
    {
        double rounded = Math.Round(value, MidpointRounding.ToEven);
        if (rounded >= 9223372036854775808.0)
        {
            return long.MaxValue;
        }

        return rounded <= long.MinValue ? long.MinValue : (long)rounded;
    }

    /// <summary>bfloat16 bits to float32: bfloat16 is the upper half of a float32.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>float32 to bfloat16 bits, rounding to nearest even (NaN stays a quiet NaN).</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Formats a flat index as a multi-dimensional one, e.g. <c>[2, 0, 4]</c>.</summary>
    public static string FormatIndex(ReadOnlySpan<long> shape, long flatIndex)
    {
        if (shape.Length == 0)
        {
            return "[]";
        }

        var parts = new long[shape.Length];
        long rest = flatIndex;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            long dim = Math.Max(shape[axis], 1);
            parts[axis] = rest % dim;
            rest /= dim;
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
