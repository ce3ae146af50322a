using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Confer.Plan.Internal;

internal sealed class PlanMapNode(SourceLocation location, ImmutableArray<PlanMapEntry> entries) : PlanNode(location)
{
    public ImmutableArray<PlanMapEntry> Entries { get; } = entries;

    public override string KindName => "a mapping";

    public bool TryGet(string key, [NotNullWhen(true)] out PlanMapEntry? entry)
    {
        foreach (var candidate in Entries)
        {
            if (string.Equals(candidate.Key, key, StringComparison.Ordinal))
            {
                entry = candidate;
                return true;
            }
        }

        entry = null;
        return false;
    }

    public PlanMapNode Without(string key) => new(Location, [.. Entries.Where(e => !string.Equals(e.Key, key, StringComparison.Ordinal))]);
}
