using System.Globalization;
using Confer.Core;
using Confer.Federation;

namespace Confer.Cli.Commands.Simulate;

/// <summary>Writes a simulation's outputs: history.json, history.png (accuracy and loss per round) and the final model.</summary>
internal static class SimulationOutputs
{
    public const string HistoryFile = "history.json";
    public const string PlotFile = "history.png";
    public const string ModelFile = "model_last.pbuf";

    /// <summary>Writes the outputs into <paramref name="folder"/> (created when missing).</summary>
    /// <returns>The folder's full path.</returns>
    public static string Write(History history, string folder, string strategy)
    {
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        using (FileStream stream = File.Create(Path.Combine(full, HistoryFile)))
        {
            history.WriteJson(stream);
        }

        WritePlot(history, Path.Combine(full, PlotFile), strategy);
        ModelStateSerializer.Save(history.Parameters, Path.Combine(full, ModelFile), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["strategy"] = strategy,
            ["rounds"] = history.Rounds.Count.ToString(CultureInfo.InvariantCulture),
        });
        return full;
    }

    /// <summary>
    /// Accuracy on the left axis and loss on the right, per round, centralized where the run has
    /// it and distributed otherwise (round 0 is the initial model).
    /// </summary>
    public static void WritePlot(History history, string path, string title)
    {
        var plot = new ScottPlot.Plot();
        AddSeries(plot, history.MetricsCentralized, "accuracy (centralized)");
        AddSeries(plot, history.MetricsDistributed, "accuracy (distributed)");
        AddLoss(plot, history.LossesCentralized, "loss (centralized)");
        AddLoss(plot, history.LossesDistributed, "loss (distributed)");
        plot.Title(title);
        plot.XLabel("round");
        plot.Axes.Left.Label.Text = "accuracy";
        plot.Axes.Right.Label.Text = "loss";
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    private static void AddSeries(ScottPlot.Plot plot, IReadOnlyDictionary<string, IReadOnlyList<(int Round, double Value)>> metrics, string label)
    {
        if (!metrics.TryGetValue("accuracy", out IReadOnlyList<(int Round, double Value)>? points) || points.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(points.Select(p => (double)p.Round).ToArray(), points.Select(p => p.Value).ToArray());
        scatter.LegendText = label;
    }

    private static void AddLoss(ScottPlot.Plot plot, IReadOnlyList<(int Round, double Loss)> losses, string label)
    {
        if (losses.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(losses.Select(p => (double)p.Round).ToArray(), losses.Select(p => p.Loss).ToArray());
        scatter.LegendText = label;
        scatter.LinePattern = ScottPlot.LinePattern.Dashed;
        scatter.Axes.YAxis = plot.Axes.Right;
    }
}
