using System.Globalization;
using System.Security;
using System.Text;

namespace Confer.Workflow.Internal;

/// <summary>
/// Draws a flow graph as SVG with a layered layout: each step sits on the layer of its
/// breadth-first distance from Start; forward edges are straight, edges back to an earlier layer
/// (loops) curve around the right side so they never cross the boxes.
/// </summary>
internal static class SvgGraphRenderer
{
    private const int BoxWidth = 220;
    private const int BoxHeight = 44;
    private const int LayerGap = 40;
    private const int ColumnGap = 30;
    private const int Margin = 30;
    private const int LoopLane = 50;

    public static string Render(FlowGraph graph, IReadOnlyList<FlowGraphStep> ordered)
    {
        var layerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (FlowGraphStep step in ordered)
        {
            if (!layerOf.ContainsKey(step.Name))
            {
                layerOf[step.Name] = 0;
            }

            foreach (string next in step.Next)
            {
                if (!layerOf.ContainsKey(next))
                {
                    layerOf[next] = layerOf[step.Name] + 1;
                }
            }
        }

        var layers = ordered.GroupBy(s => layerOf[s.Name]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        int widest = layers.Max(l => l.Count);
        int width = (2 * Margin) + (widest * BoxWidth) + ((widest - 1) * ColumnGap) + LoopLane;
        int height = (2 * Margin) + 30 + (layers.Count * BoxHeight) + ((layers.Count - 1) * LayerGap);
        var center = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (int row = 0; row < layers.Count; row++)
        {
            List<FlowGraphStep> layer = layers[row];
            double rowWidth = (layer.Count * BoxWidth) + ((layer.Count - 1) * ColumnGap);
            double left = Margin + ((width - LoopLane - (2 * Margin) - rowWidth) / 2);
            for (int column = 0; column < layer.Count; column++)
            {
                center[layer[column].Name] = (
                    left + (column * (BoxWidth + ColumnGap)) + (BoxWidth / 2.0),
                    Margin + 30 + (row * (BoxHeight + LayerGap)) + (BoxHeight / 2.0));
            }
        }

        var svg = new StringBuilder();
        Append(svg, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n");
        svg.Append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#444\"/></marker></defs>\n");
        Append(svg, $"  <text x=\"{Margin}\" y=\"{Margin}\" font-size=\"16\" font-weight=\"bold\">{Xml(graph.FlowName)}</text>\n");

        int loopIndex = 0;
        foreach (FlowGraphStep step in ordered)
        {
            (double x1, double y1) = center[step.Name];
            foreach (string next in step.Next)
            {
                if (!center.TryGetValue(next, out (double X, double Y) to))
                {
                    continue;
                }

                string dash = graph.IsForeach(step, next) ? " stroke-dasharray=\"6 4\"" : string.Empty;
                if (layerOf[next] > layerOf[step.Name])
                {
                    Append(svg, $"  <line x1=\"{F(x1)}\" y1=\"{F(y1 + (BoxHeight / 2.0))}\" x2=\"{F(to.X)}\" y2=\"{F(to.Y - (BoxHeight / 2.0))}\" stroke=\"#444\"{dash} marker-end=\"url(#arrow)\"/>\n");
                }
                else
                {
                    // Loops leave from the right edge and come back into the right edge of the earlier step.
                    double lane = width - Margin - LoopLane + 15 + (loopIndex++ * 8);
                    double startX = x1 + (BoxWidth / 2.0);
                    double endX = to.X + (BoxWidth / 2.0);
                    Append(svg, $"  <path d=\"M {F(startX)} {F(y1)} C {F(lane)} {F(y1)}, {F(lane)} {F(to.Y)}, {F(endX)} {F(to.Y)}\" fill=\"none\" stroke=\"#444\"{dash} marker-end=\"url(#arrow)\"/>\n");
                }
            }
        }

        foreach (FlowGraphStep step in ordered)
        {
            (double x, double y) = center[step.Name];
            bool aggregator = step.Placement == Placement.Aggregator;
            string fill = aggregator ? "#dbe9f6" : "#e3f2d9";
            double rx = aggregator ? 4 : BoxHeight / 2.0;
            Append(svg, $"  <rect x=\"{F(x - (BoxWidth / 2.0))}\" y=\"{F(y - (BoxHeight / 2.0))}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"{F(rx)}\" fill=\"{fill}\" stroke=\"#333\"/>\n");
            Append(svg, $"  <text x=\"{F(x)}\" y=\"{F(y - 3)}\" text-anchor=\"middle\" font-weight=\"bold\">{Xml(step.Name)}</text>\n");
            string kind = (aggregator ? "aggregator" : "collaborator") + (step.IsJoin ? " · join" : string.Empty);
            Append(svg, $"  <text x=\"{F(x)}\" y=\"{F(y + 13)}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{kind}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Append(StringBuilder svg, FormattableString text) => svg.Append(text.ToString(CultureInfo.InvariantCulture));

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Xml(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
