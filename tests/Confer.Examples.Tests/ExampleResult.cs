namespace Confer.Examples.Tests;

/// <summary>What one finished example process printed and returned.</summary>
internal sealed record ExampleResult(string Example, IReadOnlyList<string> Arguments, int ExitCode, string Output, string Error)
{
    /// <summary>The lines of standard output.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"{Example} {string.Join(' ', Arguments)}: exit {ExitCode}\n--- out ---\n{Output}\n--- err ---\n{Error}";
}
