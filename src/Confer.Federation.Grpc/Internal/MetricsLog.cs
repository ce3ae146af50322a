using System.Globalization;
using System.Text;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The aggregator's per-round metrics file, <c>logs/metrics.csv</c>, written when the plan says
/// <c>aggregator.settings.write_logs: true</c>: one row per metric of every collaborator's task
/// result and one per metric aggregated over the round (example-weighted; empty collaborator
/// column). Columns: <c>round,task,metric,collaborator,value,examples</c>.
/// </summary>
/// <remarks>
/// Each round's rows are appended and flushed to the disk before the round's checkpoint is
/// written. A restart resumes at the first round not checkpointed and first drops that round's
/// rows and any later ones (a crash between the rows and the checkpoint redoes the round), so
/// every round appears exactly once.
/// </remarks>
internal sealed class MetricsLog(string path)
{
    public string Path { get; } = path;

    /// <summary>Makes the file hold exactly the rounds before <paramref name="nextRound"/> (creating it with its header if missing); returns how many rows it dropped.</summary>
    public int Resume(int nextRound)
    {
        AtomicFile.DeleteLeftover(Path);
        if (!File.Exists(Path))
        {
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(AggregatorMetrics.Header + "\n"));
            return 0;
        }

        var lines = File.ReadAllLines(Path);
        var kept = lines.Skip(1).Where(line => RoundOf(line) is { } round && round < nextRound).ToList();
        var dropped = lines.Length - 1 - kept.Count;
        if (dropped != 0 || lines.Length == 0 || lines[0] != AggregatorMetrics.Header)
        {
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(kept.Prepend(AggregatorMetrics.Header).Select(line => line + "\n"))));
        }

        return Math.Max(dropped, 0);
    }

    /// <summary>Appends one round's rows and flushes them to the disk.</summary>
    public void Append(IEnumerable<AggregatorMetric> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(row.Round.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Field(row.Task)).Append(',')
                .Append(Field(row.Metric)).Append(',')
                .Append(Field(row.Collaborator ?? string.Empty)).Append(',')
                .Append(row.Value.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Examples.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
    }

    private static int? RoundOf(string line)
    {
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 && int.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out var round) && AggregatorMetrics.Split(line).Count == 6 ? round : null;
    }

    // RFC 4180: a field with a comma or a quote is quoted, its quotes doubled. Line breaks (a
    // collaborator names its metrics) become spaces, so that every row is one line.
    private static string Field(string value)
    {
        value = value.Replace('\r', ' ').Replace('\n', ' ');
        return value.AsSpan().IndexOfAny(",\"") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
