using System.Globalization;

namespace Confer.Federation;

/// <summary>
/// One value of a <see cref="ConfigRecord"/>: a boolean, a 64-bit integer, a double or a string
/// (Flower's <c>Scalar</c>, minus bytes). Converts implicitly from those CLR types.
/// </summary>
public readonly struct Scalar : IEquatable<Scalar>
{
    private readonly long _integer;
    private readonly double _real;
    private readonly string? _text;

    private Scalar(ScalarKind kind, long integer, double real, string? text)
    {
        Kind = kind;
        _integer = integer;
        _real = real;
        _text = text;
    }

    /// <summary>Which of the four kinds this value is.</summary>
    public ScalarKind Kind { get; }

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromBoolean(bool value) => new(ScalarKind.Boolean, value ? 1 : 0, 0, null);

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromInt64(long value) => new(ScalarKind.Integer, value, 0, null);

    /// <summary>Creates a floating-point value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromDouble(double value) => new(ScalarKind.Double, 0, value, null);

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The value; not null.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ScalarKind.String, 0, 0, value);
    }

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(bool value) => FromBoolean(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(long value) => FromInt64(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(int value) => FromInt64(value);

    /// <summary>Converts a double.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(double value) => FromDouble(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The value; not null.</param>
    public static implicit operator Scalar(string value) => FromString(value);

    /// <summary>The value as a boolean.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidCastException">The value is not a boolean.</exception>
    public bool ToBoolean() => Kind == ScalarKind.Boolean ? _integer != 0 : throw WrongKind("a boolean");

    /// <summary>The value as an integer; a double with no fractional part converts too.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidCastException">The value is not a whole number.</exception>
    public long ToInt64() => Kind switch
    {
        ScalarKind.Integer => _integer,
        ScalarKind.Double when _real == Math.Floor(_real) && Math.Abs(_real) < 9.2e18 => (long)_real,
        _ => throw WrongKind("an integer"),
    };

    /// <summary>The value as a double; an integer converts too.</summary>
    /// <returns>The double.</returns>
    /// <exception cref="InvalidCastException">The value is not a number.</exception>
    public double ToDouble() => Kind switch
    {
        ScalarKind.Double => _real,
        ScalarKind.Integer => _integer,
        _ => throw WrongKind("a number"),
    };

    /// <summary>The value as a string: the string itself, or the invariant text of a number or boolean.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ScalarKind.Boolean => _integer != 0 ? "true" : "false",
        ScalarKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        ScalarKind.Double => _real.ToString("R", CultureInfo.InvariantCulture),
        _ => _text ?? string.Empty,
    };

    /// <inheritdoc/>
    public bool Equals(Scalar other) =>
        Kind == other.Kind && _integer == other._integer && _real.Equals(other._real) && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Scalar other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _real, _text);

    /// <summary>Whether two scalars are equal in kind and value.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Scalar left, Scalar right) => left.Equals(right);

    /// <summary>Whether two scalars differ in kind or value.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(Scalar left, Scalar right) => !left.Equals(right);

    private InvalidCastException WrongKind(string wanted) =>
        new($"The value '{this}' is a {Kind.ToString().ToLowerInvariant()}, not {wanted}.");
}
