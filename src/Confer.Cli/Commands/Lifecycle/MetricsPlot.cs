using Confer.Federation.Grpc;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// <c>logs/metrics.png</c> beside the aggregator's <c>logs/metrics.csv</c>: each task's aggregated
/// metrics per round, losses on the right axis, everything else on the left.
/// </summary>
internal static class MetricsPlot
{
    public const string RelativePath = "logs/metrics.png";

    /// <summary>Draws the plot from the aggregator's metrics file; false when the file holds no aggregated metric.</summary>
    public static bool Write(string metricsCsv, string pngPath, string title)
    {
        var series = AggregatorMetrics.Read(metricsCsv)
            .Where(row => row.Collaborator is null)
            .GroupBy(row => (row.Task, row.Metric))
            .OrderBy(g => g.Key.Task, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Metric, StringComparer.Ordinal)
            .ToList();
        if (series.Count == 0)
        {
            return false;
        }

        var plot = new ScottPlot.Plot();
        var anyLoss = false;
        foreach (var group in series)
        {
            var points = group.OrderBy(row => row.Round).ToList();
            var scatter = plot.Add.Scatter(points.Select(p => (double)p.Round).ToArray(), points.Select(p => p.Value).ToArray());
            scatter.LegendText = $"{group.Key.Task} {group.Key.Metric}";
            if (group.Key.Metric.Contains("loss", StringComparison.OrdinalIgnoreCase))
            {
                scatter.LinePattern = ScottPlot.LinePattern.Dashed;
                scatter.Axes.YAxis = plot.Axes.Right;
                anyLoss = true;
            }
        }

        plot.Title(title);
        plot.XLabel("round");
        plot.Axes.Left.Label.Text = "metric";
        if (anyLoss)
        {
            plot.Axes.Right.Label.Text = "loss";
        }

        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        plot.SavePng(pngPath, 900, 540);
        return true;
    }
}
