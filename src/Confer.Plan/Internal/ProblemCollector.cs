using System.Globalization;

namespace Confer.Plan.Internal;

internal sealed class ProblemCollector
{
    private readonly List<PlanProblem> _problems = [];
    private readonly List<PlanWarning> _warnings = [];

    public IReadOnlyList<PlanWarning> Warnings => _warnings;

    public void Warn(SourceLocation location, string message) =>
        _warnings.Add(new PlanWarning(location.File, location.Line, location.Column, message));

    public IReadOnlyList<PlanProblem> Problems => _problems;

    public int Count => _problems.Count;

    public void Add(SourceLocation location, string message) =>
        _problems.Add(new PlanProblem(location.File, location.Line, location.Column, message));

    public void Add(SourceLocation location, FormattableString message) =>
        Add(location, message.ToString(CultureInfo.InvariantCulture));
}
