using System.Globalization;

namespace Confer.Plan.Internal;

/// <summary>
/// Checks a settings mapping against a <see cref="SettingsSchema"/>: unknown keys, value kinds,
/// ranges and required keys, reporting every problem with its position, and turns the mapping
/// into normalized <see cref="PlanValue"/>s with the schema's defaults filled in.
/// </summary>
internal static class SettingsBinder
{
    public static PlanSettings Bind(PlanNode? node, SettingsSchema schema, SourceLocation owner, string path, ProblemCollector problems)
    {
        var values = new Dictionary<string, PlanValue>(StringComparer.Ordinal);
        PlanMapNode? map = null;
        switch (node)
        {
            case null or PlanScalarNode { IsNull: true }:
                break;
            case PlanMapNode mapNode:
                map = mapNode;
                break;
            default:
                problems.Add(node.Location, $"'{path}' must be a mapping of settings, not {node.KindName}.");
                return new PlanSettings(values);
        }

        foreach (var entry in map?.Entries ?? [])
        {
            if (!schema.TryGetSetting(entry.Key, out var setting))
            {
                problems.Add(entry.KeyLocation, UnknownKey(entry.Key, path, schema.Settings.Select(s => s.Key).ToList()));
                continue;
            }

            if (BindValue(entry.Value, setting, $"{path}.{entry.Key}", problems) is { } value)
            {
                values[entry.Key] = value;
            }
        }

        foreach (var setting in schema.Settings)
        {
            if (map is not null && map.TryGet(setting.Key, out _))
            {
                continue;
            }

            if (setting.Required)
            {
                var description = setting.Description.Length > 0 ? $" ({setting.Description.TrimEnd('.')})" : string.Empty;
                problems.Add(owner, $"'{path}' is missing the required setting '{setting.Key}'{description}.");
            }
            else if (setting.Default is { } defaultValue)
            {
                values[setting.Key] = defaultValue;
            }
            else if (setting.Kind == SettingKind.Object)
            {
                values[setting.Key] = Bind(null, setting.ItemSchema!, owner, $"{path}.{setting.Key}", problems).ToValue();
            }
        }

        return new PlanSettings(values);
    }

    public static string UnknownKey(string key, string path, IReadOnlyList<string> allowed)
    {
        var hint = OpenFlHints.For(key) ?? Suggestions.DidYouMean(key, allowed).TrimStart();
        var allowedText = allowed.Count == 0 ? $"'{path}' takes no keys." : $"Allowed keys: {string.Join(", ", allowed)}.";
        return $"Unknown key '{key}' in '{path}'. {(hint.Length > 0 ? hint + " " : string.Empty)}{allowedText}";
    }

    private static PlanValue? BindValue(PlanNode node, SettingDefinition setting, string path, ProblemCollector problems)
    {
        var scalar = node as PlanScalarNode;
        switch (setting.Kind)
        {
            case SettingKind.Boolean:
                if (scalar is { Resolved: PlanValueKind.Boolean })
                {
                    return PlanValue.FromBoolean(scalar.BooleanValue);
                }

                problems.Add(node.Location, $"'{path}' must be true or false, not {node.KindName}.");
                return null;

            case SettingKind.Integer:
                if (scalar is null || !scalar.TryGetInteger(out var integer))
                {
                    var why = scalar is { Resolved: PlanValueKind.Integer } ? " (it does not fit in 64 bits)" : string.Empty;
                    problems.Add(node.Location, $"'{path}' must be a whole number, not {node.KindName}{why}.");
                    return null;
                }

                return CheckRange(node, setting, path, integer, problems) ? PlanValue.FromInteger(integer) : null;

            case SettingKind.Number:
                if (scalar is not { Resolved: PlanValueKind.Integer or PlanValueKind.Number })
                {
                    problems.Add(node.Location, $"'{path}' must be a number, not {node.KindName}.");
                    return null;
                }

                var number = scalar.NumberValue;
                if (!double.IsFinite(number))
                {
                    problems.Add(node.Location, $"'{path}' must be a finite number, not {scalar.Text}.");
                    return null;
                }

                return CheckRange(node, setting, path, number, problems) ? PlanValue.FromNumber(number) : null;

            case SettingKind.String:
                if (scalar is null || scalar.IsNull)
                {
                    problems.Add(node.Location, $"'{path}' must be a string, not {node.KindName}.");
                    return null;
                }

                return PlanValue.FromString(scalar.Text);

            case SettingKind.Enum:
                if (scalar is not null && !scalar.IsNull
                    && setting.AllowedValues.FirstOrDefault(v => string.Equals(v, scalar.Text, StringComparison.OrdinalIgnoreCase)) is { } word)
                {
                    return PlanValue.FromString(word);
                }

                var shown = scalar is null || scalar.IsNull ? node.KindName : $"'{scalar.Text}'";
                var suggestion = scalar is null ? string.Empty : Suggestions.DidYouMean(scalar.Text, setting.AllowedValues);
                problems.Add(node.Location, $"'{path}' must be one of {string.Join(", ", setting.AllowedValues)}, not {shown}.{suggestion}");
                return null;

            case SettingKind.StringList:
                return BindStringList(node, setting, path, problems);

            case SettingKind.Object:
                if (node is not PlanMapNode)
                {
                    problems.Add(node.Location, $"'{path}' must be a mapping, not {node.KindName}.");
                    return null;
                }

                return Bind(node, setting.ItemSchema!, node.Location, path, problems).ToValue();

            case SettingKind.ObjectList:
                if (node is not PlanListNode objects)
                {
                    problems.Add(node.Location, $"'{path}' must be a list of mappings, not {node.KindName}.");
                    return null;
                }

                if (!setting.AllowEmpty && objects.Items.IsEmpty)
                {
                    problems.Add(node.Location, $"'{path}' must not be empty.");
                    return null;
                }

                var items = new List<PlanValue>();
                for (var i = 0; i < objects.Items.Length; i++)
                {
                    var item = objects.Items[i];
                    var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
                    if (item is not PlanMapNode)
                    {
                        problems.Add(item.Location, $"'{itemPath}' must be a mapping, not {item.KindName}.");
                        continue;
                    }

                    items.Add(Bind(item, setting.ItemSchema!, item.Location, itemPath, problems).ToValue());
                }

                return PlanValue.FromList(items);

            default:
                problems.Add(node.Location, $"'{path}' has an unsupported kind {setting.Kind}.");
                return null;
        }
    }

    private static PlanValue? BindStringList(PlanNode node, SettingDefinition setting, string path, ProblemCollector problems)
    {
        if (node is PlanScalarNode { IsNull: true })
        {
            if (setting.AllowEmpty)
            {
                return PlanValue.FromList([]);
            }

            problems.Add(node.Location, $"'{path}' must be a non-empty list of strings, not null.");
            return null;
        }

        if (node is not PlanListNode list)
        {
            problems.Add(node.Location, $"'{path}' must be a list of strings, not {node.KindName}.");
            return null;
        }

        if (!setting.AllowEmpty && list.Items.IsEmpty)
        {
            problems.Add(node.Location, $"'{path}' must not be empty.");
            return null;
        }

        var strings = new List<string>();
        var ok = true;
        for (var i = 0; i < list.Items.Length; i++)
        {
            if (list.Items[i] is PlanScalarNode { IsNull: false } item)
            {
                strings.Add(item.Text);
            }
            else
            {
                problems.Add(list.Items[i].Location, string.Create(CultureInfo.InvariantCulture, $"'{path}[{i}]' must be a string, not {list.Items[i].KindName}."));
                ok = false;
            }
        }

        return ok ? PlanValue.FromStrings(strings) : null;
    }

    private static bool CheckRange(PlanNode node, SettingDefinition setting, string path, double value, ProblemCollector problems)
    {
        var tooLow = setting.Minimum is { } low && (setting.MinimumExclusive ? value <= low : value < low);
        var tooHigh = setting.Maximum is { } high && (setting.MaximumExclusive ? value >= high : value > high);
        if (!tooLow && !tooHigh)
        {
            return true;
        }

        var range = setting.DescribeRange();
        var shown = node is PlanScalarNode scalar ? scalar.Text : value.ToString(CultureInfo.InvariantCulture);
        var prefix = setting.Minimum is not null && setting.Maximum is not null ? "in " : string.Empty;
        problems.Add(node.Location, $"'{path}' must be {prefix}{range}, not {shown}.");
        return false;
    }
}
