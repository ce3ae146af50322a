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
        var lines = File.Exists(Path) ? File.ReadAllLines(Path) : [];
        var rows = lines.Skip(1).ToList();
        var kept = rows.Where(line => AggregatorMetrics.TryParse(line, out var row) && row.Round < nextRound).ToList();
        if (lines.Length == 0 || lines[0] != AggregatorMetrics.Header || kept.Count != rows.Count)
        {
            AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(kept.Prepend(AggregatorMetrics.Header).Select(line => line + "\n"))));
        }

        return rows.Count - kept.Count;
    }

    /// <summary>Appends one round's rows and flushes them to the disk.</summary>
    public void Append(IEnumerable<AggregatorMetric> rows)
    {
        var text = string.Concat(rows.Select(row => AggregatorMetrics.Format(row) + "\n"));
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }
}
