using System.Globalization;

namespace Confer.Plan;

/// <summary>One problem found while loading a plan, at a position in one of its files.</summary>
/// <param name="File">The file, relative to the workspace with <c>/</c> separators (e.g. <c>plan/plan.yaml</c>); a built-in defaults file is prefixed with <c>builtin:</c>.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
/// <param name="Message">What is wrong, with the offending value, and what to do.</param>
public sealed record PlanProblem(string File, int Line, int Column, string Message)
{
    /// <summary>The problem in compiler style: <c>plan/plan.yaml(12,5): error: ...</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}({Line},{Column}): error: {Message}");
}
