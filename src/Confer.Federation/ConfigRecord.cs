using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Confer.Federation;

/// <summary>
/// The configuration the aggregator sends with a task (Flower's <c>config</c> dictionary):
/// immutable, keys in ordinal order, values <see cref="ConfigValue"/>s. One instance is shared by every
/// client of a round, which is why it cannot change.
/// </summary>
public sealed class ConfigRecord : IReadOnlyDictionary<string, ConfigValue>
{
    private readonly ImmutableSortedDictionary<string, ConfigValue> _values;

    /// <summary>Creates a record from key/value pairs; a later duplicate key wins.</summary>
    /// <param name="values">The entries.</param>
    public ConfigRecord(IEnumerable<KeyValuePair<string, ConfigValue>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ConfigValue>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, ConfigValue> pair in values)
        {
            builder[pair.Key] = pair.Value;
        }

        _values = builder.ToImmutable();
    }

    private ConfigRecord(ImmutableSortedDictionary<string, ConfigValue> values) => _values = values;

    /// <summary>The empty record.</summary>
    public static ConfigRecord Empty { get; } = new(ImmutableSortedDictionary.Create<string, ConfigValue>(StringComparer.Ordinal));

    /// <inheritdoc/>
    public ConfigValue this[string key] =>
        _values.TryGetValue(key, out ConfigValue value)
            ? value
            : throw new KeyNotFoundException($"The config has no key '{key}'. It has: {string.Join(", ", _values.Keys)}.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<ConfigValue> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <summary>A copy of this record with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new record.</returns>
    public ConfigRecord With(string key, ConfigValue value) => new(_values.SetItem(key, value));

    /// <summary>The value of <paramref name="key"/> as a double, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string key, double defaultValue) => _values.TryGetValue(key, out ConfigValue v) ? v.ToDouble() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as an integer, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public long GetInt64(string key, long defaultValue) => _values.TryGetValue(key, out ConfigValue v) ? v.ToInt64() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as a boolean, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string key, bool defaultValue) => _values.TryGetValue(key, out ConfigValue v) ? v.ToBoolean() : defaultValue;

    /// <summary>The value of <paramref name="key"/> as a string, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value.</returns>
    public string GetString(string key, string defaultValue) => _values.TryGetValue(key, out ConfigValue v) ? v.ToString() : defaultValue;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ConfigValue value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, ConfigValue>> GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => "{" + string.Join(", ", _values.Select(p => $"{p.Key}: {p.Value}")) + "}";
}
