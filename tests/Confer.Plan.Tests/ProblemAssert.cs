using System.Collections.Immutable;
using Confer.Plan;

namespace Confer.Plan.Tests;

internal static class ProblemAssert
{
    /// <summary>Asserts the number of problems and shows them all when it differs.</summary>
    public static void Count(int expected, ImmutableArray<PlanProblem> problems) =>
        Assert.True(problems.Length == expected, $"Expected {expected} problems, got {problems.Length}:\n{string.Join('\n', problems)}");
}
