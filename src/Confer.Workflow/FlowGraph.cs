using System.Globalization;
using System.Text;
using System.Text.Json;
using Confer.Workflow.Internal;

namespace Confer.Workflow;

/// <summary>
/// The step graph of a flow, as read from its code when the flow is loaded: steps, placements and
/// the transitions each step's <c>Next</c> calls can take. Renders as text, Graphviz DOT or SVG.
/// </summary>
public sealed class FlowGraph
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>Creates a graph.</summary>
    /// <param name="flowName">The flow's name (its class name).</param>
    /// <param name="steps">The steps, Start first by convention.</param>
    public FlowGraph(string flowName, IEnumerable<FlowGraphStep> steps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowName);
        ArgumentNullException.ThrowIfNull(steps);
        FlowName = flowName;
        Steps = steps.ToArray();
    }

    /// <summary>The flow's name.</summary>
    public string FlowName { get; }

    /// <summary>The steps in declaration order.</summary>
    public IReadOnlyList<FlowGraphStep> Steps { get; }

    /// <summary>Loads and validates <typeparamref name="TFlow"/> and returns its graph.</summary>
    /// <typeparam name="TFlow">The flow class.</typeparam>
    /// <returns>The graph.</returns>
    /// <exception cref="FlowValidationException">The flow is not valid.</exception>
    public static FlowGraph Of<TFlow>()
        where TFlow : Flow => Of(typeof(TFlow));

    /// <summary>Loads and validates a flow type and returns its graph.</summary>
    /// <param name="flowType">A concrete class deriving from <see cref="Flow"/>.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="FlowValidationException">The flow is not valid.</exception>
    public static FlowGraph Of(Type flowType) => FlowDefinition.Get(flowType).Graph;

    /// <summary>Reads a graph written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The graph.</returns>
    public static FlowGraph FromJson(string json)
    {
        GraphDocument document = JsonSerializer.Deserialize<GraphDocument>(json, JsonOptions)
            ?? throw new FormatException("The flow graph JSON is empty.");
        return new FlowGraph(document.Flow, document.Steps);
    }

    /// <summary>The graph as JSON (how the run store keeps it).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(new GraphDocument(FlowName, [.. Steps]), JsonOptions);

    /// <summary>The graph as text: one line per step in the order a run meets them, with placement and successors.</summary>
    /// <returns>The text, lines separated by '\n'.</returns>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(FlowName).Append('\n');
        foreach (FlowGraphStep step in OrderedSteps())
        {
            string placement = step.Placement == Placement.Aggregator ? "aggregator" : "collaborator";
            string kind = step.IsJoin ? ", join" : string.Empty;
            string resources = step.Cpus > 0 || step.Gpus > 0
                ? string.Create(CultureInfo.InvariantCulture, $", cpus={step.Cpus:0.##}, gpus={step.Gpus:0.##}")
                : string.Empty;
            string next = step.Next.Count == 0
                ? "(end)"
                : string.Join(" | ", step.Next.Select(n => IsForeach(step, n) ? $"{n} (foreach)" : n));
            text.Append(CultureInfo.InvariantCulture, $"  {step.Name} [{placement}{kind}{resources}] -> {next}\n");
        }

        return text.ToString();
    }

    /// <summary>The graph in Graphviz DOT: aggregator steps as boxes, collaborator steps as ellipses, foreach edges dashed.</summary>
    /// <returns>The DOT text.</returns>
    public string ToDot()
    {
        var dot = new StringBuilder();
        dot.Append(CultureInfo.InvariantCulture, $"digraph \"{Escape(FlowName)}\" {{\n");
        dot.Append("  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n");
        foreach (FlowGraphStep step in OrderedSteps())
        {
            string shape = step.Placement == Placement.Aggregator ? "box" : "ellipse";
            string fill = step.Placement == Placement.Aggregator ? "#dbe9f6" : "#e3f2d9";
            string label = $"{step.Name}\\n{(step.Placement == Placement.Aggregator ? "aggregator" : "collaborator")}{(step.IsJoin ? " (join)" : string.Empty)}";
            dot.Append(CultureInfo.InvariantCulture, $"  \"{Escape(step.Name)}\" [shape={shape}, style=filled, fillcolor=\"{fill}\", label=\"{label}\"];\n");
        }

        foreach (FlowGraphStep step in OrderedSteps())
        {
            foreach (string next in step.Next)
            {
                string style = IsForeach(step, next) ? " [style=dashed, label=\"foreach\"]" : string.Empty;
                dot.Append(CultureInfo.InvariantCulture, $"  \"{Escape(step.Name)}\" -> \"{Escape(next)}\"{style};\n");
            }
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>The graph as a standalone SVG drawn with a simple layered layout (no Graphviz needed).</summary>
    /// <returns>The SVG document.</returns>
    public string ToSvg() => SvgGraphRenderer.Render(this, OrderedSteps());

    /// <summary>Steps in breadth-first order from Start, then any others in declaration order.</summary>
    internal IReadOnlyList<FlowGraphStep> OrderedSteps()
    {
        var byName = Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var ordered = new List<FlowGraphStep>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<FlowGraphStep>(Steps.Where(s => s.Name == "Start"));
        foreach (FlowGraphStep s in queue)
        {
            seen.Add(s.Name);
        }

        while (queue.Count > 0)
        {
            FlowGraphStep step = queue.Dequeue();
            ordered.Add(step);
            foreach (string next in step.Next)
            {
                if (byName.TryGetValue(next, out FlowGraphStep? target) && seen.Add(next))
                {
                    queue.Enqueue(target);
                }
            }
        }

        ordered.AddRange(Steps.Where(s => !seen.Contains(s.Name)));
        return ordered;
    }

    internal bool IsForeach(FlowGraphStep from, string to) =>
        from.Placement == Placement.Aggregator
        && Steps.FirstOrDefault(s => s.Name == to) is { Placement: Placement.Collaborator };

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private sealed record GraphDocument(string Flow, FlowGraphStep[] Steps);
}
