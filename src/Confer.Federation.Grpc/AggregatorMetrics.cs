using System.Globalization;
using System.Text;

namespace Confer.Federation.Grpc;

/// <summary>
/// The aggregator's per-round metrics file, <c>logs/metrics.csv</c> in its workspace, written
/// when the plan says <c>aggregator.settings.write_logs: true</c>. Columns:
/// <c>round,task,metric,collaborator,value,examples</c>; a row with an empty collaborator is the
/// round's aggregate of that task's metric (example-weighted over the collaborators that reported it).
/// </summary>
public static class AggregatorMetrics
{
    /// <summary>The file's path relative to the aggregator's workspace.</summary>
    public const string RelativePath = "logs/metrics.csv";

    /// <summary>The file's first line.</summary>
    public const string Header = "round,task,metric,collaborator,value,examples";

    /// <summary>Reads the file's rows, in the order they were written; lines that are not whole rows are skipped.</summary>
    public static IReadOnlyList<AggregatorMetric> Read(string path)
    {
        var rows = new List<AggregatorMetric>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (TryParse(line, out var row))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>One row as a line of the file (without its line break).</summary>
    internal static string Format(AggregatorMetric row) => string.Join(
        ',',
        row.Round.ToString(CultureInfo.InvariantCulture),
        Field(row.Task),
        Field(row.Metric),
        Field(row.Collaborator ?? string.Empty),
        row.Value.ToString("R", CultureInfo.InvariantCulture),
        row.Examples.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses a line <see cref="Format"/> wrote; false for anything else (the header, a half-written line).</summary>
    internal static bool TryParse(string line, out AggregatorMetric row)
    {
        row = null!;
        var fields = Split(line);
        if (fields.Count != 6
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var round)
            || !double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !long.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var examples))
        {
            return false;
        }

        row = new AggregatorMetric(round, fields[1], fields[2], fields[3].Length == 0 ? null : fields[3], value, examples);
        return true;
    }

    // RFC 4180: a field with a comma or a quote is quoted, its quotes doubled. Line breaks (a
    // collaborator names its metrics) become spaces, so that every row is one line.
    private static string Field(string value)
    {
        value = value.Replace('\r', ' ').Replace('\n', ' ');
        return value.AsSpan().IndexOfAny(",\"") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    // An unterminated quote gives no fields.
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return quoted ? [] : fields;
    }
}

/// <summary>One row of <see cref="AggregatorMetrics"/>: a collaborator's metric for a task in a round, or the round's aggregate when <paramref name="Collaborator"/> is null.</summary>
/// <param name="Round">The round, from 0.</param>
/// <param name="Task">The task whose result carried the metric.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Collaborator">The collaborator that reported it; null for the aggregate.</param>
/// <param name="Value">The value.</param>
/// <param name="Examples">The examples behind it (the collaborator's count, or the sum over the aggregate's collaborators).</param>
public sealed record AggregatorMetric(int Round, string Task, string Metric, string? Collaborator, double Value, long Examples);
