using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Confer.Federation;

/// <summary>
/// The configuration the aggregator sends with a task (Flower's <c>config</c> dictionary):
/// immutable, keys in ordinal order, values <see cref="Scalar"/>s. One instance is shared by every
/// client of a round, which is why it cannot change.
/// </summary>
public sealed class ConfigRecord : IReadOnlyDictionary<string, Scalar>
{
    private readonly ImmutableSortedDictionary<string, Scalar> _values;

    /// <summary>Creates a record from key/value pairs; a later duplicate key wins.</summary>
    /// <param name="values">The entries.</param>
    public ConfigRecord(IEnumerable<KeyValuePair<string, Scalar>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Scalar>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Scalar> pair in values)
        {
            builder[pair.Key] = pair.Value;
        }

        _values = builder.ToImmutable();
    }

    private ConfigRecord(ImmutableSortedDictionary<string, Scalar> values) => _values = values;

    /// <summary>The empty record.</summary>
    public static ConfigRecord Empty { get; } = new(ImmutableSortedDictionary.Create<string, Scalar>(StringComparer.Ordinal));

    /// <inheritdoc/>
    public Scalar this[string key] =>
        _values.TryGetValue(key, out Scalar value)
            ? value
            : throw new KeyNotFoundException($"The config has no key '{key}'. It has: {string.Join(", ", _values.Keys)}.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<Scalar> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <summary>A copy of this record with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new record.</returns>
    public ConfigRecord With(string key, Scalar value) => new(_values.SetItem(key, value));

    /// <summary>The value of <paramref name="key"/> as a double, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string key, double defaultValue) => _values.TryGetValue(key, out Scalar v) ? v.ToDouble() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as an integer, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public long GetInt64(string key, long defaultValue) => _values.TryGetValue(key, out Scalar v) ? v.ToInt64() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as a boolean, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string key, bool defaultValue) => _values.TryGetValue(key, out Scalar v) ? v.ToBoolean() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as a string, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public string GetString(string key, string defaultValue) => _values.TryGetValue(key, out Scalar v) ? v.ToString() : defaultValue;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Scalar value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Scalar>> GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => "{" + string.Join(", ", _values.Select(p => $"{p.Key}: {p.Value}")) + "}";
}
