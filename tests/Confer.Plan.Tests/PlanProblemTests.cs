using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>How a plan's problems are reported: each with its file, line and column, compiler style, with a suggestion where one helps.</summary>
public sealed class PlanProblemTests
{
    [Fact]
    public void Load_SeveralProblems_ReportsEachWithFileLineAndColumn()
    {
        using var workspace = PlanFixtures.WithPlan("""
            aggregator:
              settings:
                rounds_to_train: 0
                write_logs: sometimes
            collaborator:
              settings:
                opt_treatment: RESETT
            network:
              settings:
                agg_port: 70000
            data_loader:
              template: mnist_shards
              settings:
                batch_size: 2.5
            task_runner:
              template: torch_cnn
            assigner:
              defaults: plan/defaults/assigner.yaml
            tasks:
              defaults: plan/defaults/tasks_torch.yaml

            """);

        var problems = workspace.LoadFails().Problems;

        Assert.Collection(
            problems,
            p => Assert.Equal(("plan/plan.yaml", 3, 22), (p.File, p.Line, p.Column)),
            p => Assert.Equal(("plan/plan.yaml", 4, 17), (p.File, p.Line, p.Column)),
            p => Assert.Equal(("plan/plan.yaml", 7, 20), (p.File, p.Line, p.Column)),
            p => Assert.Equal(("plan/plan.yaml", 10, 15), (p.File, p.Line, p.Column)),
            p => Assert.Equal(("plan/plan.yaml", 14, 17), (p.File, p.Line, p.Column)));
        Assert.Contains("'aggregator.settings.rounds_to_train' must be in [1, 2147483647], not 0", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("must be true or false, not the string 'sometimes'", problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("must be one of RESET, CONTINUE_LOCAL, CONTINUE_GLOBAL, not 'RESETT'. Did you mean 'RESET'?", problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("'network.settings.agg_port' must be in [1, 65535], not 70000", problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("'data_loader.settings.batch_size' must be a whole number, not the number 2.5", problems[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Problems_FormatCompilerStyle()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("rounds_to_train: 3", "rounds_to_train: -2", StringComparison.Ordinal));

        var exception = workspace.LoadFails();

        var problem = Assert.Single(exception.Problems);
        Assert.StartsWith("plan/plan.yaml(3,22): error: 'aggregator.settings.rounds_to_train' must be in [1, 2147483647], not -2", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("\nplan/plan.yaml(3,22): error: ", exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("The plan has 1 problem:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_YamlSyntaxError_ReportsItsMark()
    {
        using var workspace = PlanFixtures.WithPlan("""
            aggregator:
              settings:
                rounds_to_train: 3
               write_logs: true

            """);

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal("plan/plan.yaml", problem.File);
        Assert.Equal(4, problem.Line);
        Assert.StartsWith("YAML syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SyntaxErrorInOneFile_StillReportsProblemsInTheOthers()
    {
        using var workspace = PlanFixtures.WithPlan("aggregator: [unclosed\n")
            .Write("plan/cols.yaml", "collaborators:\n  - alpha\n  - alpha\n");

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(2, problems);
        Assert.Equal(("plan/cols.yaml", 3, 5), (problems[0].File, problems[0].Line, problems[0].Column));
        Assert.Contains("listed twice", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal("plan/plan.yaml", problems[1].File);
        Assert.StartsWith("YAML syntax error", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKey_SuggestsTheClosestAndListsAllowedKeys()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("rounds_to_train: 3", "rounds_to_train: 3\n    rounds_to_trian: 4", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((4, 5), (problem.Line, problem.Column));
        Assert.Equal(
            "Unknown key 'rounds_to_trian' in 'aggregator.settings'. Did you mean 'rounds_to_train'? Allowed keys: init_state_path, best_state_path, last_state_path, rounds_to_train, write_logs, max_aggregation_memory.",
            problem.Message);
    }

    [Fact]
    public void Load_OpenFlKeyWhoseValueConferCannotHonour_SaysWhatConferDoes()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    use_tls: false\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((14, 14), (problem.Line, problem.Column));
        Assert.StartsWith("'network.settings.use_tls: false' cannot be honoured: Confer always uses mutual TLS; for a local experiment without TLS, set tls: false and insecure: true instead", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ClientReconnectTimeout_IsReadInSeconds()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    client_reconnect_timeout: 2.5\n");

        var plan = workspace.Load();

        Assert.Equal(TimeSpan.FromSeconds(2.5), plan.Network.ClientReconnectTimeout);
    }

    [Fact]
    public void Load_ClientReconnectTimeoutNotPositive_IsAProblemNamingTheSetting()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    client_reconnect_timeout: 0\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal(14, problem.Line);
        Assert.Contains("'network.settings.client_reconnect_timeout' must be > 0, not 0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSection_SuggestsTheClosest()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "stratgy:\n  template: krum\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((12, 1), (problem.Line, problem.Column));
        Assert.StartsWith("Unknown section 'stratgy'. Did you mean 'strategy'?", problem.Message, StringComparison.Ordinal);
    }
}
