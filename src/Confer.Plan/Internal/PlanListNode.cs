using System.Collections.Immutable;

namespace Confer.Plan.Internal;

internal sealed class PlanListNode(SourceLocation location, ImmutableArray<PlanNode> items) : PlanNode(location)
{
    public ImmutableArray<PlanNode> Items { get; } = items;

    public override string KindName => "a list";
}
