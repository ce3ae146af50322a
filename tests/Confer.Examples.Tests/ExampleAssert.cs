using System.Globalization;
using System.Text.RegularExpressions;

namespace Confer.Examples.Tests;

/// <summary>Reads what the examples print and checks it.</summary>
internal static class ExampleAssert
{
    /// <summary>The matches of <paramref name="pattern"/> (multi-line: <c>^</c> and <c>$</c> are line ends) in the example's output.</summary>
    public static IReadOnlyList<Match> Matches(ExampleResult result, string pattern) =>
        Regex.Matches(result.Output, pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant).ToArray();

    /// <summary>Parses a printed number and asserts it is finite.</summary>
    public static double Finite(string text, string what)
    {
        Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value), $"{what} '{text}' is not a number");
        Assert.True(double.IsFinite(value), $"{what} is {value}");
        return value;
    }

    /// <summary>Parses a printed accuracy and asserts it is a fraction between 0 and 1.</summary>
    public static double Accuracy(string text, string what)
    {
        double value = Finite(text, what);
        Assert.InRange(value, 0.0, 1.0);
        return value;
    }
}
