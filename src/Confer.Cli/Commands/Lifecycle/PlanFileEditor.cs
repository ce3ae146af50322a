using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// Changes one scalar of <c>network.settings</c> in the plan's text in place, so the comments and
/// layout people wrote survive <c>confer plan initialize</c>; the positions come from YamlDotNet's marks.
/// </summary>
internal static class PlanFileEditor
{
    /// <summary>The current value of <c>network.settings.KEY</c>, or null when the plan does not write it.</summary>
    public static string? ReadNetworkSetting(string text, string key, string file) =>
        FindNetworkSetting(text, key, file) is { } scalar ? scalar.Value : null;

    /// <summary>Returns <paramref name="text"/> with <c>network.settings.KEY</c> set to <paramref name="value"/>, adding the key (and sections) when missing.</summary>
    public static string SetNetworkSetting(string text, string key, string value, string file)
    {
        string rendered = value.Contains(':', StringComparison.Ordinal) ? $"\"{value}\"" : value;
        YamlScalarNode? scalar = FindNetworkSetting(text, key, file);
        if (scalar is not null)
        {
            int start = checked((int)scalar.Start.Index);
            int end = checked((int)scalar.End.Index);
            return string.Concat(text.AsSpan(0, start), rendered, text.AsSpan(end));
        }

        YamlMappingNode root = LoadRoot(text, file);
        if (!root.Children.TryGetValue(new YamlScalarNode("network"), out YamlNode? network) || network is YamlScalarNode { Value: null or "" })
        {
            string separator = text.EndsWith('\n') ? string.Empty : "\n";
            return network is null
                ? $"{text}{separator}\nnetwork:\n  settings:\n    {key}: {rendered}\n"
                : throw Unsupported(file, "network", key);
        }

        if (network is not YamlMappingNode networkMap || networkMap.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
        {
            throw Unsupported(file, "network", key);
        }

        if (!networkMap.Children.TryGetValue(new YamlScalarNode("settings"), out YamlNode? settings))
        {
            return InsertBeforeLineOf(text, networkMap.Start, $"{Indent(networkMap)}settings:\n{Indent(networkMap)}  {key}: {rendered}\n");
        }

        if (settings is not YamlMappingNode settingsMap || settingsMap.Style == YamlDotNet.Core.Events.MappingStyle.Flow || settingsMap.Children.Count == 0)
        {
            throw Unsupported(file, "network.settings", key);
        }

        return InsertBeforeLineOf(text, settingsMap.Start, $"{Indent(settingsMap)}{key}: {rendered}\n");
    }

    public static string FormatPort(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static YamlScalarNode? FindNetworkSetting(string text, string key, string file)
    {
        YamlMappingNode root = LoadRoot(text, file);
        return root.Children.TryGetValue(new YamlScalarNode("network"), out YamlNode? network)
            && network is YamlMappingNode networkMap
            && networkMap.Children.TryGetValue(new YamlScalarNode("settings"), out YamlNode? settings)
            && settings is YamlMappingNode settingsMap
            && settingsMap.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value)
            && value is YamlScalarNode scalar
                ? scalar
                : null;
    }

    private static YamlMappingNode LoadRoot(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new LifecycleException($"{file}({ex.Start.Line},{ex.Start.Column}): error: {ex.Message} Fix the plan and run the command again.");
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new LifecycleException($"{file}(1,1): error: the plan must be a YAML mapping of sections (aggregator, network, ...). See docs/plan.md.");
    }

    private static string Indent(YamlNode node) => new(' ', checked((int)node.Start.Column - 1));

    /// <summary>Inserts <paramref name="insertion"/> at the start of the line holding <paramref name="mark"/>: a block mapping starts at its first key, so the new key lands first, at the same indentation.</summary>
    private static string InsertBeforeLineOf(string text, Mark mark, string insertion)
    {
        int index = checked((int)mark.Index);
        int lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        return text.Insert(lineStart, insertion);
    }

    private static LifecycleException Unsupported(string file, string section, string key) =>
        new($"{file}: cannot add '{key}' to '{section}' as written (it is empty or in flow style). Write `{key}:` under network.settings by hand and run the command again.");
}
