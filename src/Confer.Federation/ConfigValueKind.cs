namespace Confer.Federation;

/// <summary>The kinds of value a <see cref="ConfigValue"/> holds: Flower's config record values, a scalar or a list of one scalar type.</summary>
public enum ConfigValueKind
{
    /// <summary>A boolean.</summary>
    Boolean = 1,

    /// <summary>A 64-bit signed integer.</summary>
    Integer = 2,

    /// <summary>A 64-bit floating-point number.</summary>
    Double = 3,

    /// <summary>A string.</summary>
    String = 4,

    /// <summary>Bytes.</summary>
    Bytes = 5,

    /// <summary>A list of booleans.</summary>
    BooleanList = 6,

    /// <summary>A list of 64-bit signed integers.</summary>
    IntegerList = 7,

    /// <summary>A list of 64-bit floating-point numbers.</summary>
    DoubleList = 8,

    /// <summary>A list of strings.</summary>
    StringList = 9,

    /// <summary>A list of byte strings.</summary>
    BytesList = 10,
}
