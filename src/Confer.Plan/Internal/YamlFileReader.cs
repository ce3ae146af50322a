using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Confer.Plan.Internal;

/// <summary>
/// Parses one YAML file into <see cref="PlanNode"/>s through YamlDotNet's representation model,
/// which keeps each node's start mark. A syntax error becomes a problem at its mark.
/// </summary>
internal static class YamlFileReader
{
    // Anchors and aliases may nest a document deeper than any plan needs; a cycle would never end.
    private const int MaxDepth = 64;

    /// <summary>The document's root, <see langword="null"/> for an empty document, or <see langword="null"/> with a problem added.</summary>
    public static PlanNode? Read(string file, string text, ProblemCollector problems, out bool failed)
    {
        failed = false;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            failed = true;
            var message = (exception.InnerException as YamlException ?? exception).Message;
            problems.Add(new SourceLocation(file, ToInt(exception.Start.Line), ToInt(exception.Start.Column)), $"YAML syntax error: {Clean(message)}");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            failed = true;
            var second = stream.Documents[1].RootNode.Start;
            problems.Add(new SourceLocation(file, ToInt(second.Line), ToInt(second.Column)), "A plan file holds one YAML document; remove the '---' and what follows, or merge it into the first document.");
            return null;
        }

        var root = Convert(file, stream.Documents[0].RootNode, problems, 0);
        if (root is null)
        {
            failed = true;
        }

        return root is PlanScalarNode { IsNull: true } ? null : root;
    }

    private static PlanNode? Convert(string file, YamlNode node, ProblemCollector problems, int depth)
    {
        var location = new SourceLocation(file, ToInt(node.Start.Line), ToInt(node.Start.Column));
        if (depth > MaxDepth)
        {
            problems.Add(location, $"The YAML nests deeper than {MaxDepth} levels (a recursive alias?).");
            return null;
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                var isString = scalar.Style != YamlDotNet.Core.ScalarStyle.Plain
                    || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && string.Equals(scalar.Tag.Value, "tag:yaml.org,2002:str", StringComparison.Ordinal));
                return new PlanScalarNode(location, scalar.Value ?? string.Empty, !isString);
            case YamlSequenceNode sequence:
                var items = ImmutableArray.CreateBuilder<PlanNode>();
                foreach (var child in sequence.Children)
                {
                    if (Convert(file, child, problems, depth + 1) is not { } item)
                    {
                        return null;
                    }

                    items.Add(item);
                }

                return new PlanListNode(location, items.ToImmutable());
            case YamlMappingNode mapping:
                var entries = ImmutableArray.CreateBuilder<PlanMapEntry>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var ok = true;
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var keyLocation = new SourceLocation(file, ToInt(keyNode.Start.Line), ToInt(keyNode.Start.Column));
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        problems.Add(keyLocation, "A key must be a plain word, not a list or mapping.");
                        ok = false;
                        continue;
                    }

                    if (!seen.Add(key))
                    {
                        problems.Add(keyLocation, $"The key '{key}' appears twice in the same mapping; keep one.");
                        ok = false;
                        continue;
                    }

                    if (Convert(file, valueNode, problems, depth + 1) is not { } value)
                    {
                        ok = false;
                        continue;
                    }

                    entries.Add(new PlanMapEntry(key, keyLocation, value));
                }

                return ok ? new PlanMapNode(location, entries.ToImmutable()) : null;
            default:
                problems.Add(location, "Unsupported YAML node.");
                return null;
        }
    }

    private static int ToInt(long value) => (int)Math.Clamp(value, 1, int.MaxValue);

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the problem already carries the position.
    private static string Clean(string message)
    {
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }
}
