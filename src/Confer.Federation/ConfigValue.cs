using System.Collections.Immutable;
using System.Globalization;

namespace Confer.Federation;

/// <summary>
/// One value of a <see cref="ConfigRecord"/> (Flower's config record values): a boolean, a 64-bit
/// integer, a double, a string or bytes, or a list of one of these. Immutable; converts implicitly
/// from the CLR scalar types.
/// </summary>
public readonly struct ConfigValue : IEquatable<ConfigValue>
{
    private readonly long _integer;
    private readonly double _real;
    private readonly object? _reference;

    private ConfigValue(ConfigValueKind kind, long integer, double real, object? reference)
    {
        Kind = kind;
        _integer = integer;
        _real = real;
        _reference = reference;
    }

    /// <summary>Which kind of value this is.</summary>
    public ConfigValueKind Kind { get; }

    /// <summary>Whether this value is a list.</summary>
    public bool IsList => Kind >= ConfigValueKind.BooleanList;

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromBoolean(bool value) => new(ConfigValueKind.Boolean, value ? 1 : 0, 0, null);

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromInt64(long value) => new(ConfigValueKind.Integer, value, 0, null);

    /// <summary>Creates a floating-point value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromDouble(double value) => new(ConfigValueKind.Double, 0, value, null);

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The value; not null.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ConfigValueKind.String, 0, 0, value);
    }

    /// <summary>Creates a bytes value (the bytes are copied).</summary>
    /// <param name="value">The bytes.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromBytes(ReadOnlySpan<byte> value) => new(ConfigValueKind.Bytes, 0, 0, ImmutableArray.Create(value));

    /// <summary>Creates a bytes value from bytes that are already immutable (not copied).</summary>
    /// <param name="value">The bytes.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromBytes(ImmutableArray<byte> value) => new(ConfigValueKind.Bytes, 0, 0, value.IsDefault ? ImmutableArray<byte>.Empty : value);

    /// <summary>Creates a list of booleans.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromList(IEnumerable<bool> values) => new(ConfigValueKind.BooleanList, 0, 0, values.ToImmutableArray());

    /// <summary>Creates a list of integers.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromList(IEnumerable<long> values) => new(ConfigValueKind.IntegerList, 0, 0, values.ToImmutableArray());

    /// <summary>Creates a list of doubles.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromList(IEnumerable<double> values) => new(ConfigValueKind.DoubleList, 0, 0, values.ToImmutableArray());

    /// <summary>Creates a list of strings.</summary>
    /// <param name="values">The values; none null.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromList(IEnumerable<string> values)
    {
        ImmutableArray<string> list = values.ToImmutableArray();
        if (list.Any(v => v is null))
        {
            throw new ArgumentException("A config string list cannot hold null.", nameof(values));
        }

        return new(ConfigValueKind.StringList, 0, 0, list);
    }

    /// <summary>Creates a list of byte strings (the bytes are copied).</summary>
    /// <param name="values">The byte strings.</param>
    /// <returns>The config value.</returns>
    public static ConfigValue FromList(IEnumerable<byte[]> values) =>
        new(ConfigValueKind.BytesList, 0, 0, values.Select(v => ImmutableArray.Create(v ?? throw new ArgumentException("A config bytes list cannot hold null.", nameof(values)))).ToImmutableArray());

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator ConfigValue(bool value) => FromBoolean(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator ConfigValue(long value) => FromInt64(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator ConfigValue(int value) => FromInt64(value);

    /// <summary>Converts a double.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator ConfigValue(double value) => FromDouble(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value; not null.</param>
    public static implicit operator ConfigValue(string value) => FromString(value);

    /// <summary>Converts bytes (copied).</summary>
    /// <param name="value">The bytes; not null.</param>
    public static implicit operator ConfigValue(byte[] value) => FromBytes(value);

    /// <summary>The value as a boolean.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidCastException">The value is not a boolean.</exception>
    public bool ToBoolean() => Kind == ConfigValueKind.Boolean ? _integer != 0 : throw WrongKind("a boolean");

    /// <summary>The value as an integer; a double with no fractional part converts too.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidCastException">The value is not a whole number.</exception>
    public long ToInt64() => Kind switch
    {
        ConfigValueKind.Integer => _integer,
        ConfigValueKind.Double when _real == Math.Floor(_real) && Math.Abs(_real) < 9.2e18 => (long)_real,
        _ => throw WrongKind("an integer"),
    };

    /// <summary>The value as a double; an integer converts too.</summary>
    /// <returns>The double.</returns>
    /// <exception cref="InvalidCastException">The value is not a number.</exception>
    public double ToDouble() => Kind switch
    {
        ConfigValueKind.Double => _real,
        ConfigValueKind.Integer => _integer,
        _ => throw WrongKind("a number"),
    };

    /// <summary>The value as bytes.</summary>
    /// <returns>The bytes.</returns>
    /// <exception cref="InvalidCastException">The value is not bytes.</exception>
    public ReadOnlyMemory<byte> ToBytes() => Kind == ConfigValueKind.Bytes ? ((ImmutableArray<byte>)_reference!).AsMemory() : throw WrongKind("bytes");

    /// <summary>The value as a list of booleans.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="InvalidCastException">The value is not a boolean list.</exception>
    public IReadOnlyList<bool> ToBooleanList() => Kind == ConfigValueKind.BooleanList ? (ImmutableArray<bool>)_reference! : throw WrongKind("a boolean list");

    /// <summary>The value as a list of integers.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="InvalidCastException">The value is not an integer list.</exception>
    public IReadOnlyList<long> ToInt64List() => Kind == ConfigValueKind.IntegerList ? (ImmutableArray<long>)_reference! : throw WrongKind("an integer list");

    /// <summary>The value as a list of doubles; an integer list converts too.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="InvalidCastException">The value is not a number list.</exception>
    public IReadOnlyList<double> ToDoubleList() => Kind switch
    {
        ConfigValueKind.DoubleList => (ImmutableArray<double>)_reference!,
        ConfigValueKind.IntegerList => ((ImmutableArray<long>)_reference!).Select(v => (double)v).ToArray(),
        _ => throw WrongKind("a number list"),
    };

    /// <summary>The value as a list of strings.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="InvalidCastException">The value is not a string list.</exception>
    public IReadOnlyList<string> ToStringList() => Kind == ConfigValueKind.StringList ? (ImmutableArray<string>)_reference! : throw WrongKind("a string list");

    /// <summary>The value as a list of byte strings.</summary>
    /// <returns>The list.</returns>
    /// <exception cref="InvalidCastException">The value is not a bytes list.</exception>
    public IReadOnlyList<ReadOnlyMemory<byte>> ToBytesList() => Kind == ConfigValueKind.BytesList
        ? ((ImmutableArray<ImmutableArray<byte>>)_reference!).Select(b => b.AsMemory()).ToArray()
        : throw WrongKind("a bytes list");

    /// <summary>The value as text: a string itself, the invariant text of a number or boolean, base64 for bytes, <c>[a, b]</c> for a list.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ConfigValueKind.Boolean => _integer != 0 ? "true" : "false",
        ConfigValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        ConfigValueKind.Double => _real.ToString("R", CultureInfo.InvariantCulture),
        ConfigValueKind.String => (string?)_reference ?? string.Empty,
        ConfigValueKind.Bytes => Convert.ToBase64String(((ImmutableArray<byte>)_reference!).AsSpan()),
        ConfigValueKind.BooleanList => List(ToBooleanList().Select(v => FromBoolean(v))),
        ConfigValueKind.IntegerList => List(ToInt64List().Select(FromInt64)),
        ConfigValueKind.DoubleList => List(ToDoubleList().Select(FromDouble)),
        ConfigValueKind.StringList => List(ToStringList().Select(FromString)),
        ConfigValueKind.BytesList => List(ToBytesList().Select(b => FromBytes(b.Span))),
        _ => string.Empty,
    };

    /// <inheritdoc/>
    public bool Equals(ConfigValue other)
    {
        if (Kind != other.Kind || _integer != other._integer || !_real.Equals(other._real))
        {
            return false;
        }

        return Kind switch
        {
            ConfigValueKind.String => string.Equals((string?)_reference, (string?)other._reference, StringComparison.Ordinal),
            ConfigValueKind.Bytes => ((ImmutableArray<byte>)_reference!).AsSpan().SequenceEqual(((ImmutableArray<byte>)other._reference!).AsSpan()),
            ConfigValueKind.BooleanList => ((ImmutableArray<bool>)_reference!).SequenceEqual((ImmutableArray<bool>)other._reference!),
            ConfigValueKind.IntegerList => ((ImmutableArray<long>)_reference!).SequenceEqual((ImmutableArray<long>)other._reference!),
            ConfigValueKind.DoubleList => ((ImmutableArray<double>)_reference!).SequenceEqual((ImmutableArray<double>)other._reference!),
            ConfigValueKind.StringList => ((ImmutableArray<string>)_reference!).SequenceEqual((ImmutableArray<string>)other._reference!, StringComparer.Ordinal),
            ConfigValueKind.BytesList => ((ImmutableArray<ImmutableArray<byte>>)_reference!).SequenceEqual(
                (ImmutableArray<ImmutableArray<byte>>)other._reference!,
                (a, b) => a.AsSpan().SequenceEqual(b.AsSpan())),
            _ => true,
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ConfigValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _real, ToString());

    /// <summary>Whether two values are equal in kind and value.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ConfigValue left, ConfigValue right) => left.Equals(right);

    /// <summary>Whether two values differ in kind or value.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ConfigValue left, ConfigValue right) => !left.Equals(right);

    private static string List(IEnumerable<ConfigValue> items) => "[" + string.Join(", ", items.Select(i => i.ToString())) + "]";

    private InvalidCastException WrongKind(string wanted) =>
        new($"The value '{this}' is a {Describe(Kind)}, not {wanted}.");

    private static string Describe(ConfigValueKind kind) => kind switch
    {
        ConfigValueKind.BooleanList => "boolean list",
        ConfigValueKind.IntegerList => "integer list",
        ConfigValueKind.DoubleList => "double list",
        ConfigValueKind.StringList => "string list",
        ConfigValueKind.BytesList => "bytes list",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
