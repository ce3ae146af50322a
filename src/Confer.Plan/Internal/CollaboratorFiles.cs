using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Confer.Plan.Internal;

/// <summary>Reads <c>plan/cols.yaml</c> (the authorized collaborators) and <c>plan/data.yaml</c> (each collaborator's data).</summary>
internal static partial class CollaboratorFiles
{
    public const string CollaboratorsKey = "collaborators";

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public static string NameRule =>
        "a collaborator name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it becomes a certificate common name and part of file names)";

    /// <summary>OpenFL's <c>collaborators: [a, b]</c>; a missing or empty file authorizes nobody yet.</summary>
    public static ImmutableArray<string> ReadCollaborators(string file, string? text, ProblemCollector problems)
    {
        if (text is null)
        {
            return [];
        }

        var root = YamlFileReader.Read(file, text, problems, out var failed);
        if (failed || root is null)
        {
            return [];
        }

        if (root is not PlanMapNode map)
        {
            problems.Add(root.Location, $"{file} must be a mapping with the key 'collaborators' (a list of names), not {root.KindName}.");
            return [];
        }

        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var entry in map.Entries)
        {
            if (entry.Key != CollaboratorsKey)
            {
                problems.Add(entry.KeyLocation, SettingsBinder.UnknownKey(entry.Key, file, [CollaboratorsKey]));
                continue;
            }

            switch (entry.Value)
            {
                case PlanScalarNode { IsNull: true }:
                    break;
                case PlanListNode list:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var item in list.Items)
                    {
                        if (CheckName(item, "collaborator", problems) is not { } name)
                        {
                            continue;
                        }

                        if (!seen.Add(name))
                        {
                            problems.Add(item.Location, $"The collaborator '{name}' is listed twice; keep one.");
                            continue;
                        }

                        names.Add(name);
                    }

                    break;
                default:
                    problems.Add(entry.Value.Location, $"'collaborators' must be a list of names, not {entry.Value.KindName}.");
                    break;
            }
        }

        return names.ToImmutable();
    }

    /// <summary>
    /// OpenFL's lines of <c>name,path</c> (with <c>#</c> comment lines), or a YAML mapping of name to
    /// path or shard. The format is told by the first line that is neither blank nor a comment: a
    /// comma before any colon means OpenFL's lines.
    /// </summary>
    public static ImmutableSortedDictionary<string, CollaboratorData> ReadData(string file, string? text, ProblemCollector problems)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, CollaboratorData>(StringComparer.Ordinal);
        if (text is null)
        {
            return result.ToImmutable();
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        if (first is null)
        {
            return result.ToImmutable();
        }

        var comma = first.IndexOf(',', StringComparison.Ordinal);
        var colon = first.IndexOf(':', StringComparison.Ordinal);
        if (comma >= 0 && (colon < 0 || comma < colon))
        {
            ReadDataLines(file, lines, result, problems);
        }
        else
        {
            ReadDataMap(file, text, result, problems);
        }

        return result.ToImmutable();
    }

    private static void ReadDataLines(string file, string[] lines, ImmutableSortedDictionary<string, CollaboratorData>.Builder result, ProblemCollector problems)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var column = line.Length - line.TrimStart().Length + 1;
            var location = new SourceLocation(file, i + 1, column);
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0)
            {
                problems.Add(location, $"Expected 'collaborator_name,data_path_or_shard' (OpenFL's data.yaml line), not '{trimmed}'.");
                continue;
            }

            var name = line[..comma].Trim();
            var value = line[(comma + 1)..].Trim();
            if (!IsValidName(name))
            {
                problems.Add(location, $"'{name}' is not a valid collaborator name: {NameRule}.");
                continue;
            }

            if (value.Length == 0)
            {
                problems.Add(new SourceLocation(file, i + 1, comma + 2), $"The collaborator '{name}' has no data path or shard after the comma.");
                continue;
            }

            if (!result.TryAdd(name, new CollaboratorData(name, value)))
            {
                problems.Add(location, $"The collaborator '{name}' appears twice; keep one line.");
            }
        }
    }

    private static void ReadDataMap(string file, string text, ImmutableSortedDictionary<string, CollaboratorData>.Builder result, ProblemCollector problems)
    {
        var root = YamlFileReader.Read(file, text, problems, out var failed);
        if (failed || root is null)
        {
            return;
        }

        if (root is not PlanMapNode map)
        {
            problems.Add(root.Location, $"{file} must map each collaborator to its data path or shard (YAML 'name: path' or OpenFL's 'name,path' lines), not {root.KindName}.");
            return;
        }

        foreach (var entry in map.Entries)
        {
            if (!IsValidName(entry.Key))
            {
                problems.Add(entry.KeyLocation, $"'{entry.Key}' is not a valid collaborator name: {NameRule}.");
                continue;
            }

            if (entry.Value is not PlanScalarNode { IsNull: false } value)
            {
                problems.Add(entry.Value.Location, $"The data of '{entry.Key}' must be a path or a shard number, not {entry.Value.KindName}.");
                continue;
            }

            result[entry.Key] = new CollaboratorData(entry.Key, value.Text);
        }
    }

    public static string? CheckName(PlanNode node, string what, ProblemCollector problems)
    {
        if (node is not PlanScalarNode { IsNull: false } scalar)
        {
            problems.Add(node.Location, $"A {what} name must be a string, not {node.KindName}.");
            return null;
        }

        if (!IsValidName(scalar.Text))
        {
            problems.Add(node.Location, $"'{scalar.Text}' is not a valid collaborator name: {NameRule}.");
            return null;
        }

        return scalar.Text;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
