namespace Confer.Core;

/// <summary>Facts about <see cref="ElementType"/> values.</summary>
public static class ElementTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int SizeInBytes(this ElementType elementType) => elementType switch
    {
        ElementType.Float32 or ElementType.Int32 => 4,
        ElementType.Float64 or ElementType.Int64 => 8,
        ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown element type."),
    };

    /// <summary>Whether the type holds floating-point values (and can hold NaN or infinity).</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns><see langword="true"/> for float32, float64, float16 and bfloat16.</returns>
    public static bool IsFloatingPoint(this ElementType elementType) =>
        elementType is ElementType.Float32 or ElementType.Float64 or ElementType.Float16 or ElementType.BFloat16;

    /// <summary>The lower-case name used in messages and listings, e.g. <c>float32</c>.</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns>The display name.</returns>
    public static string DisplayName(this ElementType elementType) => elementType switch
    {
        ElementType.Float32 => "float32",
        ElementType.Float64 => "float64",
        ElementType.Float16 => "float16",
        ElementType.BFloat16 => "bfloat16",
        ElementType.Int64 => "int64",
        ElementType.Int32 => "int32",
        ElementType.UInt8 => "uint8",
        ElementType.Int8 => "int8",
        ElementType.Bool => "bool",
        _ => elementType.ToString(),
    };

    /// <summary>The element type that a CLR type <typeparamref name="T"/> represents.</summary>
    /// <typeparam name="T">float, double, Half, long, int, byte, sbyte or bool.</typeparam>
    /// <returns>The matching element type.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no element type.</exception>
    public static ElementType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { return ElementType.Float32; }
        if (typeof(T) == typeof(double)) { return ElementType.Float64; }
        if (typeof(T) == typeof(Half)) { return ElementType.Float16; }
        if (typeof(T) == typeof(long)) { return ElementType.Int64; }
        if (typeof(T) == typeof(int)) { return ElementType.Int32; }
        if (typeof(T) == typeof(byte)) { return ElementType.UInt8; }
        if (typeof(T) == typeof(sbyte)) { return ElementType.Int8; }
        if (typeof(T) == typeof(bool)) { return ElementType.Bool; }
        throw new NotSupportedException($"{typeof(T).Name} has no Confer element type; use float, double, Half, long, int, byte, sbyte or bool (bfloat16 is read as ushort).");
    }
}
