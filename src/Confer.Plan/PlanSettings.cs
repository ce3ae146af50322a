using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Confer.Plan;

/// <summary>
/// The validated settings of one plan component: every key is one its <see cref="SettingsSchema"/>
/// declares, every value has the declared kind and range, and optional settings the plan left out
/// hold the schema's default. Keys are in ordinal order.
/// </summary>
public sealed class PlanSettings : IReadOnlyDictionary<string, PlanValue>
{
    private readonly ImmutableSortedDictionary<string, PlanValue> _values;

    /// <summary>Creates settings from already validated values.</summary>
    /// <param name="values">The values by key.</param>
    public PlanSettings(IEnumerable<KeyValuePair<string, PlanValue>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, values);
    }

    /// <summary>No settings.</summary>
    public static PlanSettings Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<PlanValue> Values => _values.Values;

    /// <inheritdoc/>
    public PlanValue this[string key] => _values[key];

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out PlanValue value) => _values.TryGetValue(key, out value);

    /// <summary>A boolean setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The setting is absent.</exception>
    public bool GetBoolean(string key) => _values[key].AsBoolean();

    /// <summary>A whole-number setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The setting is absent.</exception>
    public long GetInteger(string key) => _values[key].AsInteger();

    /// <summary>A number setting (a whole number is widened).</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The setting is absent.</exception>
    public double GetNumber(string key) => _values[key].AsNumber();

    /// <summary>A string or enumeration setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The setting is absent.</exception>
    public string GetString(string key) => _values[key].AsString();

    /// <summary>A list-of-strings setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The setting is absent.</exception>
    public ImmutableArray<string> GetStringList(string key) => _values[key].AsStringList();

    /// <summary>The settings as one map value, as they appear in the canonical plan.</summary>
    /// <returns>The map.</returns>
    public PlanValue ToValue() => PlanValue.FromMap(_values);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, PlanValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
