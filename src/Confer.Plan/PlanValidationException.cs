using System.Collections.Immutable;

namespace Confer.Plan;

/// <summary>
/// A plan failed to load. <see cref="Problems"/> holds every problem found, not only the first,
/// sorted by file and position; <see cref="Exception.Message"/> lists them in compiler style.
/// </summary>
public sealed class PlanValidationException : Exception
{
    /// <summary>Creates the exception with no problems listed.</summary>
    public PlanValidationException()
        : this("The plan is not valid.")
    {
    }

    /// <summary>Creates the exception with a message and no problems listed.</summary>
    /// <param name="message">The message.</param>
    public PlanValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message, an inner exception and no problems listed.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PlanValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="problems"/>.</summary>
    /// <param name="problems">The problems; at least one.</param>
    public PlanValidationException(IEnumerable<PlanProblem> problems)
        : this(Sort(problems))
    {
    }

    private PlanValidationException(ImmutableArray<PlanProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, sorted by file, line and column.</summary>
    public ImmutableArray<PlanProblem> Problems { get; } = [];

    private static ImmutableArray<PlanProblem> Sort(IEnumerable<PlanProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return [.. problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column)];
    }

    private static string Format(ImmutableArray<PlanProblem> problems)
    {
        var header = problems.Length == 1 ? "The plan has 1 problem:" : $"The plan has {problems.Length} problems:";
        return string.Join('\n', problems.Select(p => p.ToString()).Prepend(header));
    }
}
