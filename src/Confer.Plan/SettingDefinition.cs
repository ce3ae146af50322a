using System.Collections.Immutable;
using System.Globalization;

namespace Confer.Plan;

/// <summary>
/// One key a plan component accepts in its <c>settings</c> (or a task in its <c>kwargs</c>): the
/// kind of its value, whether it is required, its default, and its range. Build it with the
/// static factories (<see cref="Integer"/>, <see cref="Number"/>, ...).
/// </summary>
public sealed record SettingDefinition
{
    /// <summary>The key as written in the plan, e.g. <c>batch_size</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The kind of value accepted.</summary>
    public required SettingKind Kind { get; init; }

    /// <summary>Whether the plan must set it; a required setting has no default. Default <see langword="false"/>.</summary>
    public bool Required { get; init; }

    /// <summary>The value used when the plan leaves the setting out; <see langword="null"/> leaves it absent. Default <see langword="null"/>.</summary>
    public PlanValue? Default { get; init; }

    /// <summary>The smallest accepted value of an <see cref="SettingKind.Integer"/> or <see cref="SettingKind.Number"/> setting; <see langword="null"/> for none.</summary>
    public double? Minimum { get; init; }

    /// <summary>Whether <see cref="Minimum"/> itself is excluded (a value must be greater). Default <see langword="false"/>.</summary>
    public bool MinimumExclusive { get; init; }

    /// <summary>The largest accepted value of an <see cref="SettingKind.Integer"/> or <see cref="SettingKind.Number"/> setting; <see langword="null"/> for none.</summary>
    public double? Maximum { get; init; }

    /// <summary>Whether <see cref="Maximum"/> itself is excluded (a value must be smaller). Default <see langword="false"/>.</summary>
    public bool MaximumExclusive { get; init; }

    /// <summary>The words an <see cref="SettingKind.Enum"/> setting accepts, in their stored spelling.</summary>
    public ImmutableArray<string> AllowedValues { get; init; } = [];

    /// <summary>The schema of an <see cref="SettingKind.Object"/> value or of each <see cref="SettingKind.ObjectList"/> item.</summary>
    public SettingsSchema? ItemSchema { get; init; }

    /// <summary>Whether an <see cref="SettingKind.Object"/> or <see cref="SettingKind.StringList"/> value may be empty. Default <see langword="true"/>.</summary>
    public bool AllowEmpty { get; init; } = true;

    /// <summary>One line for documentation and error messages; may be empty.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>A boolean setting.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The default; <see langword="null"/> makes the setting required.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition Boolean(string key, bool? defaultValue, string description = "") => new()
    {
        Key = key,
        Kind = SettingKind.Boolean,
        Required = defaultValue is null,
        Default = defaultValue is { } value ? PlanValue.FromBoolean(value) : null,
        Description = description,
    };

    /// <summary>A whole-number setting within an inclusive range.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The default; <see langword="null"/> makes the setting required unless <paramref name="optional"/>.</param>
    /// <param name="minimum">The smallest accepted value, inclusive; <see langword="null"/> for none.</param>
    /// <param name="maximum">The largest accepted value, inclusive; <see langword="null"/> for none.</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="optional">With no default: whether the setting may be absent rather than required.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition Integer(string key, long? defaultValue, long? minimum = null, long? maximum = null, string description = "", bool optional = false) => new()
    {
        Key = key,
        Kind = SettingKind.Integer,
        Required = defaultValue is null && !optional,
        Default = defaultValue is { } value ? PlanValue.FromInteger(value) : null,
        Minimum = minimum,
        Maximum = maximum,
        Description = description,
    };

    /// <summary>A number setting within a range.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The default; <see langword="null"/> makes the setting required unless <paramref name="optional"/>.</param>
    /// <param name="minimum">The lower bound; <see langword="null"/> for none.</param>
    /// <param name="maximum">The upper bound; <see langword="null"/> for none.</param>
    /// <param name="minimumExclusive">Whether the lower bound itself is excluded.</param>
    /// <param name="maximumExclusive">Whether the upper bound itself is excluded.</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="optional">With no default: whether the setting may be absent rather than required.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition Number(string key, double? defaultValue, double? minimum = null, double? maximum = null,
        bool minimumExclusive = false, bool maximumExclusive = false, string description = "", bool optional = false) => new()
        {
            Key = key,
            Kind = SettingKind.Number,
            Required = defaultValue is null && !optional,
            Default = defaultValue is { } value ? PlanValue.FromNumber(value) : null,
            Minimum = minimum,
            Maximum = maximum,
            MinimumExclusive = minimumExclusive,
            MaximumExclusive = maximumExclusive,
            Description = description,
        };

    /// <summary>A string setting.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The default; <see langword="null"/> makes the setting required unless <paramref name="optional"/>.</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="optional">With no default: whether the setting may be absent rather than required.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition String(string key, string? defaultValue, string description = "", bool optional = false) => new()
    {
        Key = key,
        Kind = SettingKind.String,
        Required = defaultValue is null && !optional,
        Default = defaultValue is { } value ? PlanValue.FromString(value) : null,
        Description = description,
    };

    /// <summary>A setting that takes one of a fixed set of words.</summary>
    /// <param name="key">The key.</param>
    /// <param name="allowedValues">The words, in their stored spelling.</param>
    /// <param name="defaultValue">The default (one of <paramref name="allowedValues"/>); <see langword="null"/> makes the setting required unless <paramref name="optional"/>.</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="optional">With no default: whether the setting may be absent rather than required.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">The default is not an allowed value.</exception>
    public static SettingDefinition Enum(string key, IEnumerable<string> allowedValues, string? defaultValue, string description = "", bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(allowedValues);
        ImmutableArray<string> allowed = [.. allowedValues];
        if (defaultValue is not null && !allowed.Contains(defaultValue, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The default '{defaultValue}' of '{key}' is not one of {string.Join(", ", allowed)}."),
                nameof(defaultValue));
        }

        return new()
        {
            Key = key,
            Kind = SettingKind.Enum,
            Required = defaultValue is null && !optional,
            Default = defaultValue is null ? null : PlanValue.FromString(defaultValue),
            AllowedValues = allowed,
            Description = description,
        };
    }

    /// <summary>A list-of-strings setting; absent means the empty list unless <paramref name="required"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="required">Whether the plan must set it.</param>
    /// <param name="allowEmpty">Whether an empty list is accepted.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition StringList(string key, bool required = false, bool allowEmpty = true, string description = "") => new()
    {
        Key = key,
        Kind = SettingKind.StringList,
        Required = required,
        Default = required ? null : PlanValue.FromList([]),
        AllowEmpty = allowEmpty,
        Description = description,
    };

    /// <summary>A nested map validated by <paramref name="schema"/>; absent means the schema's defaults unless <paramref name="required"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="schema">The nested map's schema.</param>
    /// <param name="required">Whether the plan must set it.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition Object(string key, SettingsSchema schema, bool required = false, string description = "") => new()
    {
        Key = key,
        Kind = SettingKind.Object,
        Required = required,
        ItemSchema = schema ?? throw new ArgumentNullException(nameof(schema)),
        Description = description,
    };

    /// <summary>A list of nested maps, each validated by <paramref name="itemSchema"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="itemSchema">Each item's schema.</param>
    /// <param name="required">Whether the plan must set it; otherwise absent means the empty list.</param>
    /// <param name="allowEmpty">Whether an empty list is accepted.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>The definition.</returns>
    public static SettingDefinition ObjectList(string key, SettingsSchema itemSchema, bool required = false, bool allowEmpty = true, string description = "") => new()
    {
        Key = key,
        Kind = SettingKind.ObjectList,
        Required = required,
        Default = required ? null : PlanValue.FromList([]),
        ItemSchema = itemSchema ?? throw new ArgumentNullException(nameof(itemSchema)),
        AllowEmpty = allowEmpty,
        Description = description,
    };

    /// <summary>The accepted range in interval notation, e.g. <c>[0, 0.5)</c> or <c>&gt;= 1</c>; empty when unbounded.</summary>
    /// <returns>The range text.</returns>
    public string DescribeRange()
    {
        static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        return (Minimum, Maximum) switch
        {
            ({ } low, { } high) => $"{(MinimumExclusive ? "(" : "[")}{Format(low)}, {Format(high)}{(MaximumExclusive ? ")" : "]")}",
            ({ } low, null) => $"{(MinimumExclusive ? ">" : ">=")} {Format(low)}",
            (null, { } high) => $"{(MaximumExclusive ? "<" : "<=")} {Format(high)}",
            _ => string.Empty,
        };
    }
}
