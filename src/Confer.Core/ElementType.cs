namespace Confer.Core;

/// <summary>
/// The element type of a tensor in a <see cref="ModelState"/>. The numeric values match the
/// <c>confer.v1.ElementType</c> protobuf enum and are part of saved files and content hashes.
/// </summary>
public enum ElementType
{
    /// <summary>32-bit IEEE 754 floating point (<see cref="float"/>).</summary>
    Float32 = 1,

    /// <summary>64-bit IEEE 754 floating point (<see cref="double"/>).</summary>
    Float64 = 2,

    /// <summary>16-bit IEEE 754 floating point (<see cref="Half"/>).</summary>
    Float16 = 3,

    /// <summary>bfloat16: the upper 16 bits of a float32, stored as <see cref="ushort"/>.</summary>
    BFloat16 = 4,

    /// <summary>64-bit signed integer (<see cref="long"/>), e.g. BatchNorm's num_batches_tracked.</summary>
    Int64 = 5,

    /// <summary>32-bit signed integer (<see cref="int"/>).</summary>
    Int32 = 6,

    /// <summary>8-bit unsigned integer (<see cref="byte"/>).</summary>
    UInt8 = 7,

    /// <summary>8-bit signed integer (<see cref="sbyte"/>).</summary>
    Int8 = 8,

    /// <summary>Boolean stored as one byte, 0 or 1.</summary>
    Bool = 9,
}
