using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class PlanPrinterTests
{
    [Fact]
    public void Render_ShowsTheHashTheSectionsInPlanOrderAndTheCollaborators()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var plan = workspace.Load();

        var text = PlanPrinter.Render(plan);

        Assert.Contains($"# federation id (SHA-384): {plan.Hash}\n", text, StringComparison.Ordinal);
        Assert.Contains("# frozen: no\n", text, StringComparison.Ordinal);
        var sections = text.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l[0] != '#').ToList();
        Assert.Equal(
            ["aggregator:", "collaborator:", "data_loader:", "task_runner:", "network:", "assigner:", "tasks:", "strategy:", "straggler_handling_policy:", "compression_pipeline:"],
            sections);
        Assert.Contains("# authorized collaborators (plan/cols.yaml): alpha, beta\n", text, StringComparison.Ordinal);
        Assert.Contains("# collaborator data (plan/data.yaml): alpha -> 1, beta -> data/beta\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LoadsBackAsTheSamePlan()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var plan = workspace.Load();
        using var copy = new TestWorkspace().Write("plan/plan.yaml", PlanPrinter.Render(plan));

        Assert.Equal(plan.Hash, copy.Load().Hash);
    }
}
