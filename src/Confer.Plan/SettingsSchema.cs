using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>
/// The keys a plan component accepts in its settings. A key the schema does not declare is an
/// error at load, so a typo never silently becomes an ignored setting.
/// </summary>
public sealed class SettingsSchema
{
    private readonly Dictionary<string, SettingDefinition> _byKey;

    /// <summary>Creates a schema from its settings.</summary>
    /// <param name="settings">The settings; keys must be distinct.</param>
    /// <exception cref="ArgumentException">Two settings share a key, or a required setting has a default.</exception>
    public SettingsSchema(IEnumerable<SettingDefinition> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = [.. settings];
        _byKey = new Dictionary<string, SettingDefinition>(StringComparer.Ordinal);
        foreach (var setting in Settings)
        {
            if (!_byKey.TryAdd(setting.Key, setting))
            {
                throw new ArgumentException($"The setting '{setting.Key}' is declared twice.", nameof(settings));
            }

            if (setting.Required && setting.Default is not null)
            {
                throw new ArgumentException($"The required setting '{setting.Key}' cannot have a default.", nameof(settings));
            }
        }
    }

    /// <summary>A schema that accepts no settings.</summary>
    public static SettingsSchema Empty { get; } = new([]);

    /// <summary>The settings, in declaration order.</summary>
    public ImmutableArray<SettingDefinition> Settings { get; }

    /// <summary>Finds the setting with <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="setting">The setting, when declared.</param>
    /// <returns>Whether the schema declares the key.</returns>
    public bool TryGetSetting(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SettingDefinition? setting) =>
        _byKey.TryGetValue(key, out setting);

    /// <summary>A schema with the settings of this one and then <paramref name="other"/>'s.</summary>
    /// <param name="other">The settings to add.</param>
    /// <returns>The combined schema.</returns>
    /// <exception cref="ArgumentException">Both declare a key.</exception>
    public SettingsSchema Concat(SettingsSchema other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new SettingsSchema(Settings.Concat(other.Settings));
    }
}
