using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Confer.Federation;

/// <summary>
/// Named numeric metrics a client or an aggregation reports (Flower's <c>Metrics</c> dictionary,
/// numbers only so they can be averaged): immutable, keys in ordinal order.
/// </summary>
public sealed class MetricRecord : IReadOnlyDictionary<string, double>
{
    private readonly ImmutableSortedDictionary<string, double> _values;

    /// <summary>Creates a record from key/value pairs; a later duplicate key wins.</summary>
    /// <param name="values">The entries.</param>
    public MetricRecord(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, double> pair in values)
        {
            builder[pair.Key] = pair.Value;
        }

        _values = builder.ToImmutable();
    }

    private MetricRecord(ImmutableSortedDictionary<string, double> values) => _values = values;

    /// <summary>The empty record.</summary>
    public static MetricRecord Empty { get; } = new(ImmutableSortedDictionary.Create<string, double>(StringComparer.Ordinal));

    /// <summary>Creates a record with one metric.</summary>
    /// <param name="name">The metric's name, e.g. <c>accuracy</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The record.</returns>
    public static MetricRecord Of(string name, double value) => Empty.With(name, value);

    /// <inheritdoc/>
    public double this[string key] =>
        _values.TryGetValue(key, out double value)
            ? value
            : throw new KeyNotFoundException($"No metric named '{key}'. The metrics are: {string.Join(", ", _values.Keys)}.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<double> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <summary>A copy of this record with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new record.</returns>
    public MetricRecord With(string name, double value) => new(_values.SetItem(name, value));

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() =>
        "{" + string.Join(", ", _values.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value:G6}"))) + "}";
}
