using System.Collections.Immutable;

namespace Confer.Plan.Internal;

/// <summary>
/// Resolves a section's <c>defaults:</c> the way OpenFL does: the named file (relative to the
/// workspace, which may itself name further defaults) lies under the section, and the section's
/// own values override it, mappings merged key by key at every depth, lists and scalars replaced.
/// Every merged node keeps the position of the file it came from.
/// </summary>
internal sealed class DefaultsResolver(PlanWorkspace workspace, ProblemCollector problems)
{
    public const string DefaultsKey = "defaults";

    public PlanMapNode Resolve(PlanMapNode section, string sectionName) => Resolve(section, sectionName, []);

    public static PlanMapNode Merge(PlanMapNode under, PlanMapNode over)
    {
        var entries = under.Entries.ToList();
        foreach (var entry in over.Entries)
        {
            var index = entries.FindIndex(e => string.Equals(e.Key, entry.Key, StringComparison.Ordinal));
            if (index < 0)
            {
                entries.Add(entry);
                continue;
            }

            var existing = entries[index];
            entries[index] = (existing.Value, entry.Value) switch
            {
                (PlanMapNode lower, PlanMapNode upper) => entry with { Value = Merge(lower, upper) },
                // An empty "settings:" in the plan keeps the defaults rather than erasing them.
                (PlanMapNode, PlanScalarNode { IsNull: true }) => existing,
                _ => entry,
            };
        }

        return new PlanMapNode(over.Location, [.. entries]);
    }

    private PlanMapNode Resolve(PlanMapNode map, string sectionName, ImmutableList<string> chain)
    {
        if (!map.TryGet(DefaultsKey, out var entry))
        {
            return map;
        }

        var own = map.Without(DefaultsKey);
        if (entry.Value is not PlanScalarNode { IsNull: false } scalar)
        {
            problems.Add(entry.Value.Location, $"'{sectionName}.defaults' must be the path of a YAML file, not {entry.Value.KindName}.");
            return own;
        }

        if (PlanWorkspace.Normalize(scalar.Text) is not { } relative)
        {
            problems.Add(scalar.Location, $"The defaults file '{scalar.Text}' must be a path inside the workspace, relative to it (like plan/defaults/aggregator.yaml).");
            return own;
        }

        if (chain.Contains(relative))
        {
            problems.Add(scalar.Location, $"The defaults files of '{sectionName}' include each other: {string.Join(" -> ", chain.Add(relative))}.");
            return own;
        }

        if (!workspace.TryRead(relative, allowBuiltIn: true, out var text, out var displayName))
        {
            var builtIns = string.Join(", ", PlanDefaults.Files.Keys);
            problems.Add(scalar.Location, $"The defaults file '{relative}' does not exist in the workspace ({workspace.FullPath(relative)}) and is not one Confer ships ({builtIns}).");
            return own;
        }

        var root = YamlFileReader.Read(displayName, text, problems, out var failed);
        if (failed || root is null)
        {
            return own;
        }

        if (root is not PlanMapNode defaults)
        {
            problems.Add(root.Location, $"A defaults file for '{sectionName}' must be a mapping, not {root.KindName}.");
            return own;
        }

        return Merge(Resolve(defaults, sectionName, chain.Add(relative)), own);
    }
}
