using System.Collections.Immutable;
using System.Globalization;

namespace Confer.Plan;

/// <summary>
/// One validated, immutable value of a plan: a scalar, a list or a map. Maps keep their keys in
/// ordinal order, so two equal plans hold equal values whatever the key order in their files.
/// Equality is structural.
/// </summary>
public sealed class PlanValue : IEquatable<PlanValue>
{
    private readonly bool _boolean;
    private readonly long _integer;
    private readonly double _number;
    private readonly string? _string;
    private readonly ImmutableArray<PlanValue> _list;
    private readonly ImmutableSortedDictionary<string, PlanValue>? _map;

    private PlanValue(PlanValueKind kind, bool boolean = false, long integer = 0, double number = 0, string? text = null,
        ImmutableArray<PlanValue> list = default, ImmutableSortedDictionary<string, PlanValue>? map = null)
    {
        Kind = kind;
        _boolean = boolean;
        _integer = integer;
        _number = number;
        _string = text;
        _list = list;
        _map = map;
    }

    /// <summary>The null value.</summary>
    public static PlanValue Null { get; } = new(PlanValueKind.Null);

    /// <summary>The kind of this value.</summary>
    public PlanValueKind Kind { get; }

    /// <summary>A boolean value.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromBoolean(bool value) => new(PlanValueKind.Boolean, boolean: value);

    /// <summary>A whole-number value.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromInteger(long value) => new(PlanValueKind.Integer, integer: value);

    /// <summary>A floating-point value; negative zero is stored as zero so that it hashes like zero.</summary>
    /// <param name="value">The number; must be finite.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static PlanValue FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A plan number must be finite.");
        }

        return new(PlanValueKind.Number, number: value == 0 ? 0.0 : value);
    }

    /// <summary>A string value.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(PlanValueKind.String, text: value);
    }

    /// <summary>A list of values, in the given order.</summary>
    /// <param name="items">The items.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromList(IEnumerable<PlanValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(PlanValueKind.List, list: [.. items]);
    }

    /// <summary>A list of strings.</summary>
    /// <param name="items">The strings.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromStrings(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return FromList(items.Select(FromString));
    }

    /// <summary>A map of values; its keys are kept in ordinal order.</summary>
    /// <param name="entries">The entries; keys must be distinct.</param>
    /// <returns>The value.</returns>
    public static PlanValue FromMap(IEnumerable<KeyValuePair<string, PlanValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new(PlanValueKind.Map, map: ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, entries));
    }

    /// <summary>The boolean of a <see cref="PlanValueKind.Boolean"/> value.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public bool AsBoolean() => Kind == PlanValueKind.Boolean ? _boolean : throw WrongKind(PlanValueKind.Boolean);

    /// <summary>The number of a <see cref="PlanValueKind.Integer"/> value.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public long AsInteger() => Kind == PlanValueKind.Integer ? _integer : throw WrongKind(PlanValueKind.Integer);

    /// <summary>The number of a <see cref="PlanValueKind.Number"/> or <see cref="PlanValueKind.Integer"/> value.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public double AsNumber() => Kind switch
    {
        PlanValueKind.Number => _number,
        PlanValueKind.Integer => _integer,
        _ => throw WrongKind(PlanValueKind.Number),
    };

    /// <summary>The string of a <see cref="PlanValueKind.String"/> value.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public string AsString() => Kind == PlanValueKind.String ? _string! : throw WrongKind(PlanValueKind.String);

    /// <summary>The items of a <see cref="PlanValueKind.List"/> value.</summary>
    /// <returns>The items.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public ImmutableArray<PlanValue> AsList() => Kind == PlanValueKind.List ? _list : throw WrongKind(PlanValueKind.List);

    /// <summary>The strings of a <see cref="PlanValueKind.List"/> value whose items are all strings.</summary>
    /// <returns>The strings.</returns>
    /// <exception cref="InvalidOperationException">The value is not a list of strings.</exception>
    public ImmutableArray<string> AsStringList() => [.. AsList().Select(item => item.AsString())];

    /// <summary>The entries of a <see cref="PlanValueKind.Map"/> value, in ordinal key order.</summary>
    /// <returns>The entries.</returns>
    /// <exception cref="InvalidOperationException">The value is of another kind.</exception>
    public ImmutableSortedDictionary<string, PlanValue> AsMap() => Kind == PlanValueKind.Map ? _map! : throw WrongKind(PlanValueKind.Map);

    /// <inheritdoc/>
    public bool Equals(PlanValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            PlanValueKind.Null => true,
            PlanValueKind.Boolean => _boolean == other._boolean,
            PlanValueKind.Integer => _integer == other._integer,
            PlanValueKind.Number => _number.Equals(other._number),
            PlanValueKind.String => string.Equals(_string, other._string, StringComparison.Ordinal),
            PlanValueKind.List => _list.SequenceEqual(other._list),
            _ => _map!.Count == other._map!.Count
                && _map.All(entry => other._map.TryGetValue(entry.Key, out var value) && entry.Value.Equals(value)),
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PlanValue);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        switch (Kind)
        {
            case PlanValueKind.Boolean:
                hash.Add(_boolean);
                break;
            case PlanValueKind.Integer:
                hash.Add(_integer);
                break;
            case PlanValueKind.Number:
                hash.Add(_number);
                break;
            case PlanValueKind.String:
                hash.Add(_string, StringComparer.Ordinal);
                break;
            case PlanValueKind.List:
                foreach (var item in _list)
                {
                    hash.Add(item);
                }

                break;
            case PlanValueKind.Map:
                foreach (var entry in _map!)
                {
                    hash.Add(entry.Key, StringComparer.Ordinal);
                    hash.Add(entry.Value);
                }

                break;
            default:
                break;
        }

        return hash.ToHashCode();
    }

    /// <summary>The value as it appears in the canonical plan (a scalar) or a short description (a list or map).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        PlanValueKind.Null => "null",
        PlanValueKind.Boolean => _boolean ? "true" : "false",
        PlanValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        PlanValueKind.Number => Internal.CanonicalYamlWriter.FormatNumber(_number),
        PlanValueKind.String => _string!,
        PlanValueKind.List => $"[{string.Join(", ", _list)}]",
        _ => $"{{{string.Join(", ", _map!.Select(entry => $"{entry.Key}: {entry.Value}"))}}}",
    };

    private InvalidOperationException WrongKind(PlanValueKind expected) =>
        new($"The plan value is a {Kind}, not a {expected}.");
}
