namespace Confer.Plan;

/// <summary>The kind of a <see cref="PlanValue"/> after validation.</summary>
public enum PlanValueKind
{
    /// <summary>No value (YAML <c>null</c>, <c>~</c> or nothing).</summary>
    Null,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A whole number (64-bit).</summary>
    Integer,

    /// <summary>A finite floating-point number (64-bit).</summary>
    Number,

    /// <summary>A string.</summary>
    String,

    /// <summary>An ordered list of values.</summary>
    List,

    /// <summary>A map from string keys to values, kept sorted by ordinal key order.</summary>
    Map,
}
