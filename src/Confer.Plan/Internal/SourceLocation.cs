namespace Confer.Plan.Internal;

/// <summary>A position in one of the plan's files; line and column count from 1.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation StartOf(string file) => new(file, 1, 1);
}
