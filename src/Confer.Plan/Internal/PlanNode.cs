namespace Confer.Plan.Internal;

/// <summary>A node of a parsed plan file that remembers where it was written, so every problem can name its line and column.</summary>
internal abstract class PlanNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    public abstract string KindName { get; }
}
