namespace Confer.Federation;

/// <summary>The kinds of value a <see cref="Scalar"/> holds.</summary>
public enum ScalarKind
{
    /// <summary>A boolean.</summary>
    Boolean = 1,

    /// <summary>A 64-bit signed integer.</summary>
    Integer = 2,

    /// <summary>A 64-bit floating-point number.</summary>
    Double = 3,

    /// <summary>A string.</summary>
    String = 4,
}
