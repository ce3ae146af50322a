using System.Security.Cryptography;
using System.Text;
using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class PlanHashTests
{
    // The same plan as PlanFixtures.MinimalPlan, with keys reordered, flow style, comments, other spacing and quoting.
    private const string ReorderedMinimalPlan = """
        # Tasks first this time.
        tasks: {defaults: "plan/defaults/tasks_torch.yaml"}
        assigner:
            defaults: plan/defaults/assigner.yaml   # OpenFL's groups
        task_runner: {template: "torch_cnn"}
        data_loader:
            template: 'mnist_shards'

        aggregator:
            settings: {rounds_to_train: 3}
        """;

    [Fact]
    public void Hash_IsStableUnderReorderingCommentsWhitespaceAndQuoting()
    {
        using var first = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan);
        using var second = PlanFixtures.WithPlan(ReorderedMinimalPlan);

        var a = first.Load();
        var b = second.Load();

        Assert.Equal(a.CanonicalYaml, b.CanonicalYaml);
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void Hash_IsTheSameWhetherDefaultsAreWrittenOutOrLeftImplicit()
    {
        var explicitPlan = PlanFixtures.MinimalPlan + """
            strategy:
              template: FedAvg
            straggler_handling_policy:
              template: NoPolicy
            network:
              settings:
                agg_port: 50051
                limits:
                  chunk_size: 65536
            collaborator:
              settings:
                opt_treatment: reset
            compression_pipeline: {stages: []}

            """;
        using var implicitWorkspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan);
        using var explicitWorkspace = PlanFixtures.WithPlan(explicitPlan);

        Assert.Equal(implicitWorkspace.Load().Hash, explicitWorkspace.Load().Hash);
    }

    [Theory]
    [InlineData("rounds_to_train: 3", "rounds_to_train: 4")]
    [InlineData("template: torch_cnn", "template: torch_cnn\n  settings: {learning_rate: 0.02}")]
    [InlineData("template: mnist_shards", "template: mnist_shards\n  settings: {batch_size: 33}")]
    public void Hash_ChangesWhenAValueChanges(string from, string to)
    {
        using var original = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan);
        using var changed = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace(from, to, StringComparison.Ordinal));

        Assert.NotEqual(original.Load().Hash, changed.Load().Hash);
    }

    [Fact]
    public void Hash_ChangesWhenADefaultsFileChanges()
    {
        using var original = PlanFixtures.FullWorkspace();
        var before = original.Load().Hash;

        original.Write("plan/defaults/aggregator.yaml", PlanFixtures.AggregatorDefaults.Replace("write_logs: true", "write_logs: false", StringComparison.Ordinal));

        Assert.NotEqual(before, original.Load().Hash);
    }

    [Fact]
    public void Hash_DoesNotDependOnColsOrData()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var before = workspace.Load().Hash;

        workspace.Write("plan/cols.yaml", "collaborators: [alpha, beta, gamma]\n").Write("plan/data.yaml", "alpha: /data/alpha\n");

        Assert.Equal(before, workspace.Load().Hash);
    }

    [Fact]
    public void Hash_IsSha384OfTheCanonicalUtf8Bytes()
    {
        using var workspace = PlanFixtures.FullWorkspace();

        var plan = workspace.Load();

        Assert.Equal(Convert.ToHexStringLower(SHA384.HashData(Encoding.UTF8.GetBytes(plan.CanonicalYaml))), plan.Hash);
        Assert.Equal(plan.Hash, PlanLoader.ComputeHash(plan.CanonicalYaml));
    }

    [Fact]
    public void CanonicalYaml_IsSortedQuotedAndNormalized()
    {
        using var workspace = PlanFixtures.FullWorkspace();

        var canonical = workspace.Load().CanonicalYaml;

        Assert.StartsWith("aggregator:\n  settings:\n    best_state_path: \"save/torch_cnn_best.pbuf\"\n", canonical, StringComparison.Ordinal);
        Assert.Contains("\n    rounds_to_train: 10\n", canonical, StringComparison.Ordinal);
        Assert.Contains("\n    opt_treatment: \"CONTINUE_GLOBAL\"\n", canonical, StringComparison.Ordinal);
        // 120 was written as a whole number; a number setting is always written as a float.
        Assert.Contains("\n    straggler_cutoff_time: 120.0\n", canonical, StringComparison.Ordinal);
        Assert.Contains("\n      - name: \"learning\"\n        percentage: 0.8\n        tasks:\n          - \"aggregated_model_validation\"\n", canonical, StringComparison.Ordinal);
        Assert.Contains("\ncompression_pipeline:\n  stages: []\n", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("defaults", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("#", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", canonical, StringComparison.Ordinal);
        Assert.EndsWith("\n", canonical, StringComparison.Ordinal);
        var sections = canonical.Split('\n').Where(l => l.Length > 0 && l[0] != ' ').ToList();
        Assert.Equal(
            ["aggregator:", "assigner:", "collaborator:", "compression_pipeline:", "data_loader:", "network:", "straggler_handling_policy:", "strategy:", "task_runner:", "tasks:"],
            sections);
    }

    [Fact]
    public void CanonicalYaml_LoadsBackToTheSamePlanAndHash()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var plan = workspace.Load();
        using var copy = new TestWorkspace().Write("plan/plan.yaml", plan.CanonicalYaml);

        var reloaded = copy.Load();

        Assert.Equal(plan.CanonicalYaml, reloaded.CanonicalYaml);
        Assert.Equal(plan.Hash, reloaded.Hash);
        Assert.Equal(plan.Aggregator, reloaded.Aggregator);
        Assert.Equal(plan.Network, reloaded.Network);
        Assert.Equal(plan.StragglerPolicy, reloaded.StragglerPolicy);
    }

    [Fact]
    public void Hash_AliasesHashLikeTheirRegisteredName()
    {
        using var aliased = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "straggler_handling_policy:\n  template: openfl.component.PercentageBasedStragglerHandling\n  settings: {percent_collaborators_needed: 0.5}\n");
        using var named = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "straggler_handling_policy:\n  template: Percentage\n  settings: {percent_collaborators_needed: 0.5}\n");

        Assert.Equal(named.Load().Hash, aliased.Load().Hash);
    }
}
