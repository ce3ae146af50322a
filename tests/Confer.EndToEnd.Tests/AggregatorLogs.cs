using System.Globalization;
using System.Text.RegularExpressions;

namespace Confer.EndToEnd.Tests;

/// <summary>Figures read back from an aggregator's log.</summary>
internal static class AggregatorLogs
{
    /// <summary>The aggregated metric the aggregator logged for <paramref name="task"/> in <paramref name="round"/> (from 1).</summary>
    public static double Metric(string log, int round, string task, string metric)
    {
        Match match = Regex.Match(log, $@"Round {round}: {Regex.Escape(task)} {Regex.Escape(metric)}: (?<value>[0-9.eE+-]+|NaN)");
        Assert.True(match.Success, $"no line 'Round {round}: {task} {metric}: ...' in the aggregator's log:\n{log}");
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }
}
