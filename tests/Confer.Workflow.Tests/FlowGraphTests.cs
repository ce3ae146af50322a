using System.Xml.Linq;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class FlowGraphTests
{
    [Fact]
    public void Of_ReadsTheTransitionsFromTheStepsCode()
    {
        FlowGraph graph = FlowGraph.Of<AveragingFlow>();

        Assert.Equal(["Start", "Validate", "Train", "Join", "End"], graph.Steps.Select(s => s.Name));
        Assert.Equal(["Validate"], graph.Steps[0].Next);
        Assert.Equal(["Validate", "End"], graph.Steps.Single(s => s.Name == "Join").Next);
        Assert.True(graph.Steps.Single(s => s.Name == "Join").IsJoin);
        Assert.Equal(Placement.Collaborator, graph.Steps.Single(s => s.Name == "Train").Placement);
    }

    [Fact]
    public void ToText_ListsStepsWithPlacementAndSuccessors()
    {
        string text = FlowGraph.Of<AveragingFlow>().ToText();

        Assert.Equal(
            "AveragingFlow\n" +
            "  Start [aggregator] -> Validate (foreach)\n" +
            "  Validate [collaborator] -> Train\n" +
            "  Train [collaborator] -> Join\n" +
            "  Join [aggregator, join] -> Validate (foreach) | End\n" +
            "  End [aggregator] -> (end)\n",
            text);
    }

    [Fact]
    public void ToDotAndToSvg_DrawEveryStepAndEdge()
    {
        FlowGraph graph = FlowGraph.Of<NoOpFlow>();

        string dot = graph.ToDot();
        XDocument svg = XDocument.Parse(graph.ToSvg());

        Assert.Contains("\"Start\" -> \"Work\" [style=dashed, label=\"foreach\"];", dot, StringComparison.Ordinal);
        Assert.Contains("\"Join\" -> \"End\";", dot, StringComparison.Ordinal);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(4, svg.Descendants(ns + "rect").Count());
        Assert.Equal(4, svg.Descendants(ns + "line").Count() + svg.Descendants(ns + "path").Count(p => p.Parent?.Name != ns + "marker"));
        Assert.Equal(["Start", "Work", "Join", "End"], svg.Descendants(ns + "text").Where(t => (string?)t.Attribute("font-weight") == "bold" && t.Attribute("font-size") is null).Select(t => t.Value));
    }

    [Fact]
    public void FromJson_RestoresTheGraphTheRunStoreKeeps()
    {
        FlowGraph graph = FlowGraph.Of<ConcurrencyProbeFlow>();

        FlowGraph back = FlowGraph.FromJson(graph.ToJson());

        Assert.Equal(graph.ToText(), back.ToText());
        Assert.Equal(1, back.Steps.Single(s => s.Name == "Heavy").Gpus);
    }
}
