namespace Confer.Plan;

/// <summary>The kind of value a <see cref="SettingDefinition"/> accepts.</summary>
public enum SettingKind
{
    /// <summary><c>true</c> or <c>false</c> (YAML also spells them <c>True</c>/<c>FALSE</c>).</summary>
    Boolean,

    /// <summary>A whole number, optionally within a range.</summary>
    Integer,

    /// <summary>A finite number (a whole number is accepted and widened), optionally within a range.</summary>
    Number,

    /// <summary>Any scalar, taken as its text (<c>data: 1</c> is the string "1").</summary>
    String,

    /// <summary>One of a fixed set of words, matched without regard to case and stored in the declared spelling.</summary>
    Enum,

    /// <summary>A list of scalars, each taken as its text.</summary>
    StringList,

    /// <summary>A nested map validated by its own <see cref="SettingsSchema"/>.</summary>
    Object,

    /// <summary>A list of nested maps, each validated by the same <see cref="SettingsSchema"/>.</summary>
    ObjectList,
}
