namespace Confer.Plan.Internal;

internal sealed record PlanMapEntry(string Key, SourceLocation KeyLocation, PlanNode Value);
