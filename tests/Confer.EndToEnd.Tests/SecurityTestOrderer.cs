using Xunit.Abstractions;
using Xunit.Sdk;

namespace Confer.EndToEnd.Tests;

/// <summary>Runs the attacks first (by name) and the tests named <c>Federation_...</c>, which end the shared federation, last.</summary>
public sealed class SecurityTestOrderer : ITestCaseOrderer
{
    public const string TypeName = "Confer.EndToEnd.Tests.SecurityTestOrderer";

    public const string AssemblyName = "Confer.EndToEnd.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases
            .OrderBy(t => t.TestMethod.Method.Name.StartsWith("Federation_", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
