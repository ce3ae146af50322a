using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>Loading a plan: defaults, problems reported with file, line and column, types and their schemas, task groups.</summary>
public sealed class PlanLoaderTests
{
    [Fact]
    public void Load_FullPlanWithDefaultsColsAndData_BuildsExpectedModel()
    {
        using var workspace = PlanFixtures.FullWorkspace();

        var plan = workspace.Load();

        Assert.Equal(new AggregatorSettings("save/torch_cnn_init.pbuf", "save/torch_cnn_best.pbuf", "save/torch_cnn_last.pbuf", 10, WriteLogs: true, MaxAggregationMemory: 8L << 30), plan.Aggregator);
        Assert.Equal(new CollaboratorSettings(DeltaUpdates: true, OptTreatment.ContinueGlobal), plan.Collaborator);

        Assert.Equal("mnist_shards", plan.DataLoader.Name);
        Assert.Equal(256, plan.DataLoader.BatchSize);
        Assert.Equal(2, plan.DataLoader.CollaboratorCount);
        Assert.Equal("fashion-mnist", plan.DataLoader.Settings.GetString("data_group_name"));
        Assert.True(plan.DataLoader.Settings.GetBoolean("shuffle"));

        Assert.Equal("torch_cnn", plan.TaskRunner.Name);
        Assert.Equal(0.05, plan.TaskRunner.Settings.GetNumber("learning_rate"));
        Assert.Equal("cpu", plan.TaskRunner.Settings.GetString("device"));

        // agg_addr, agg_port and chunk_size come from the plan; the rest from the built-in network defaults.
        Assert.Equal("agg.example.org", plan.Network.AggregatorAddress);
        Assert.Equal(50443, plan.Network.AggregatorPort);
        Assert.True(plan.Network.Tls);
        Assert.False(plan.Network.Insecure);
        Assert.Equal(TimeSpan.FromSeconds(5), plan.Network.ClientReconnectInterval);
        Assert.Equal(TimeSpan.FromHours(1), plan.Network.ClientReconnectTimeout);
        Assert.Equal("cert", plan.Network.CertificateFolder);
        Assert.Equal(new NetworkLimits(16 * 1024 * 1024, 2L * 1024 * 1024 * 1024, 65536, 50, 100, 0), plan.Network.Limits);

        Assert.Equal("RandomGroupedAssigner", plan.Assigner.Name);
        Assert.Collection(
            plan.Assigner.TaskGroups,
            group =>
            {
                Assert.Equal("learning", group.Name);
                Assert.Equal(0.8, group.Percentage);
                Assert.Equal<string>(["aggregated_model_validation", "train", "locally_tuned_model_validation"], group.Tasks);
                Assert.Empty(group.Collaborators);
            },
            group =>
            {
                Assert.Equal("evaluation", group.Name);
                Assert.Equal(0.2, group.Percentage);
                Assert.Equal<string>(["aggregated_model_validation"], group.Tasks);
            });

        Assert.Equal<string>(["aggregated_model_validation", "locally_tuned_model_validation", "train"], plan.Tasks.Keys);
        var train = plan.Tasks["train"];
        Assert.Equal("train_task", train.Function);
        Assert.Null(train.Apply);
        Assert.Equal<string>(["loss"], train.Metrics);
        Assert.Equal(2, train.Kwargs.GetInteger("epochs"));
        Assert.Equal(TaskApply.Global, plan.Tasks["aggregated_model_validation"].Apply);
        Assert.Equal(TaskApply.Local, plan.Tasks["locally_tuned_model_validation"].Apply);
        Assert.Equal<string>(["acc"], plan.Tasks["locally_tuned_model_validation"].Metrics);

        Assert.Equal("trimmed_mean", plan.Strategy.Name);
        Assert.Equal(0.1, plan.Strategy.Settings.GetNumber("beta"));
        Assert.Equal(new StragglerPolicy(StragglerPolicyKind.CutoffTime, TimeSpan.FromSeconds(120), null, 2), plan.StragglerPolicy);

        Assert.Equal<string>(["alpha", "beta"], plan.AuthorizedCollaborators);
        Assert.True(plan.IsAuthorized("alpha"));
        Assert.False(plan.IsAuthorized("gamma"));
        Assert.Equal(1, plan.CollaboratorData["alpha"].Shard);
        Assert.Equal("data/beta", plan.CollaboratorData["beta"].Value);
        Assert.Null(plan.CollaboratorData["beta"].Shard);

        Assert.Matches("^[0-9a-f]{96}$", plan.Hash);
        Assert.False(plan.IsFrozen);
    }

    [Fact]
    public void Load_MinimalPlan_FillsEverySectionFromDefaults()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan);

        var plan = workspace.Load();

        Assert.Equal(new AggregatorSettings("save/init.pbuf", "save/best.pbuf", "save/last.pbuf", 3, WriteLogs: false, MaxAggregationMemory: 8L << 30), plan.Aggregator);
        Assert.Equal(new CollaboratorSettings(false, OptTreatment.Reset), plan.Collaborator);
        Assert.Equal(32, plan.DataLoader.BatchSize);
        Assert.Null(plan.DataLoader.CollaboratorCount);
        Assert.Equal(50051, plan.Network.AggregatorPort);
        Assert.Equal("auto", plan.Network.AggregatorAddress);
        Assert.Equal("fedavg", plan.Strategy.Name);
        Assert.Same(StragglerPolicy.WaitForAll, plan.StragglerPolicy);
        Assert.Empty(plan.AuthorizedCollaborators);
        Assert.Empty(plan.CollaboratorData);
        Assert.Equal(1.0, Assert.Single(plan.Assigner.TaskGroups).Percentage);
    }

    [Fact]
    public void Load_UnknownTaskRunner_ListsTheRegisteredOnes()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("template: torch_cnn", "template: torch_cn", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((7, 13), (problem.Line, problem.Column));
        Assert.Equal("Unknown task runner 'torch_cn' in 'task_runner'. Did you mean 'torch_cnn'? Registered task runners: torch_cnn.", problem.Message);
    }

    [Fact]
    public void Load_TaskRunnerWithoutRegistrations_SaysHowToRegister()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan);

        var exception = Assert.Throws<PlanValidationException>(() => new PlanLoader(PlanTypeRegistry.CreateDefault()).Load(workspace.Root));

        Assert.Contains(exception.Problems, p => p.Line == 7 && p.Message.Contains("No task runners are registered", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Line == 5 && p.Message.Contains("No data loaders are registered", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownStrategy_ListsTheBuiltInOnes()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "strategy:\n  template: krumm\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Contains("Unknown strategy 'krumm' in 'strategy'. Did you mean 'krum'?", problem.Message, StringComparison.Ordinal);
        Assert.Contains("fedavg, fault_tolerant_fedavg, fedavgm, fedprox, fedcurv, fedadam, fedyogi, fedadagrad, median, trimmed_mean, krum, multi_krum, geometric_median", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TaskRunnerSettingsAgainstItsRegisteredSchema_ReportsEveryViolation()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace(
            "template: torch_cnn",
            "template: torch_cnn\n  settings:\n    learning_rate: 0\n    momentum: high\n    device: tpu\n    dropout: 0.5",
            StringComparison.Ordinal));

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(4, problems);
        Assert.Equal((9, 20), (problems[0].Line, problems[0].Column));
        Assert.Contains("'task_runner.settings.learning_rate' must be > 0, not 0", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal((10, 15), (problems[1].Line, problems[1].Column));
        Assert.Contains("'task_runner.settings.momentum' must be a number, not the string 'high'", problems[1].Message, StringComparison.Ordinal);
        Assert.Equal((11, 13), (problems[2].Line, problems[2].Column));
        Assert.Contains("must be one of cpu, cuda, not 'tpu'", problems[2].Message, StringComparison.Ordinal);
        Assert.Equal((12, 5), (problems[3].Line, problems[3].Column));
        Assert.Contains("Unknown key 'dropout' in 'task_runner.settings'.", problems[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TaskKwargsAgainstTheFunctionSchema_ReportsViolationsInTheDefaultsFileToo()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace(
            "tasks:\n  defaults: plan/defaults/tasks_torch.yaml",
            "tasks:\n  defaults: plan/defaults/tasks_torch.yaml\n  train:\n    kwargs:\n      epochs: 0\n  extra:\n    function: validate\n",
            StringComparison.Ordinal))
            .Write("plan/defaults/tasks_torch.yaml", """
                aggregated_model_validation:
                  function: validate_task
                  kwargs: {apply: everywhere}
                locally_tuned_model_validation:
                  function: validate_task
                train:
                  function: train_task

                """);

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(3, problems);
        Assert.Equal(("plan/defaults/tasks_torch.yaml", 3, 19), (problems[0].File, problems[0].Line, problems[0].Column));
        Assert.Contains("'tasks.aggregated_model_validation.kwargs.apply' must be one of global, local, not 'everywhere'", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal(("plan/plan.yaml", 14, 15), (problems[1].File, problems[1].Line, problems[1].Column));
        Assert.Contains("'tasks.train.kwargs.epochs' must be in [1, 1000], not 0", problems[1].Message, StringComparison.Ordinal);
        Assert.Equal(("plan/plan.yaml", 16, 15), (problems[2].File, problems[2].Line, problems[2].Column));
        Assert.Contains("The task 'extra' names the function 'validate', which the task runner 'torch_cnn' does not implement. Did you mean 'validate_task'?", problems[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProblemInAWorkspaceDefaultsFile_NamesThatFile()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("aggregator:\n", "aggregator:\n  defaults: plan/defaults/aggregator.yaml\n", StringComparison.Ordinal))
            .Write("plan/defaults/aggregator.yaml", "settings:\n  write_logs: 3\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal(("plan/defaults/aggregator.yaml", 2, 15), (problem.File, problem.Line, problem.Column));
    }

    [Fact]
    public void Load_MissingDefaultsFileAndTraversal_AreReported()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  defaults: plan/defaults/netwrok.yaml\ncollaborator:\n  defaults: ../../etc/collaborator.yaml\n");

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(2, problems);
        Assert.Equal((13, 13), (problems[0].Line, problems[0].Column));
        Assert.Contains("The defaults file 'plan/defaults/netwrok.yaml' does not exist", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal((15, 13), (problems[1].Line, problems[1].Column));
        Assert.Contains("must be a path inside the workspace", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingRequiredSections_ListsEachOne()
    {
        using var workspace = PlanFixtures.WithPlan("aggregator:\n  settings:\n    rounds_to_train: 1\n");

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(4, problems);
        Assert.All(problems, p => Assert.Equal((1, 1), (p.Line, p.Column)));
        Assert.Equal(
            ["data_loader", "task_runner", "assigner", "tasks"],
            problems.Select(p => p.Message.Split('\'')[1]));
    }

    [Fact]
    public void Load_MissingPlanFile_IsAProblemNotACrash()
    {
        using var workspace = new TestWorkspace();

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal("plan/plan.yaml", problem.File);
        Assert.StartsWith("The plan file does not exist", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PercentagesNotSummingToOne_ShowsTheSum()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("plan/plan.yaml", PlanFixtures.FullPlan.Replace("percentage: 0.2", "percentage: 0.1", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((40, 7), (problem.Line, problem.Column));
        Assert.Contains("percentages must sum to 1.0, but learning 0.8 + evaluation 0.1 = 0.9", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PercentagesSummingToOneWithinRounding_AreAccepted()
    {
        var plan = PlanFixtures.FullPlan
            .Replace("percentage: 0.8", "percentage: 0.7", StringComparison.Ordinal)
            .Replace("tasks: [aggregated_model_validation]\n", "tasks: [aggregated_model_validation]\n      - name: extra\n        percentage: 0.2\n        tasks: [train]\n", StringComparison.Ordinal)
            .Replace("percentage: 0.2\n        tasks: [aggregated_model_validation]", "percentage: 0.1\n        tasks: [aggregated_model_validation]", StringComparison.Ordinal);
        using var workspace = PlanFixtures.FullWorkspace().Write("plan/plan.yaml", plan);

        Assert.Equal(3, workspace.Load().Assigner.TaskGroups.Length);
    }

    [Fact]
    public void Load_TaskGroupRunningAnUndefinedTask_PointsAtTheTask()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("plan/plan.yaml", PlanFixtures.FullPlan.Replace("tasks: [aggregated_model_validation]", "tasks: [aggregated_model_validaton]", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((45, 17), (problem.Line, problem.Column));
        Assert.Contains("The task group 'evaluation' runs the task 'aggregated_model_validaton', which 'tasks' does not define. Did you mean 'aggregated_model_validation'?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StaticGroupedAssigner_ChecksCollaboratorsAgainstColsAndEachOther()
    {
        const string Assigner = """
            assigner:
              template: StaticGroupedAssigner
              settings:
                task_groups:
                  - name: learning
                    tasks: [train]
                    collaborators: [alpha, gamma]
                  - name: evaluation
                    tasks: [aggregated_model_validation]
                    collaborators: [alpha]

            """;
        var text = PlanFixtures.MinimalPlan.Replace("assigner:\n  defaults: plan/defaults/assigner.yaml\n", Assigner, StringComparison.Ordinal);
        using var workspace = PlanFixtures.WithPlan(text).Write("plan/cols.yaml", PlanFixtures.Cols);

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(2, problems);
        Assert.Equal((14, 32), (problems[0].Line, problems[0].Column));
        Assert.Contains("names the collaborator 'gamma', which plan/cols.yaml does not authorize", problems[0].Message, StringComparison.Ordinal);
        Assert.Equal((17, 25), (problems[1].Line, problems[1].Column));
        Assert.Contains("'alpha' is in the task groups 'learning' and 'evaluation'", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StaticGroupedAssigner_BuildsGroupsWithCollaborators()
    {
        const string Assigner = """
            assigner:
              template: openfl.component.StaticGroupedAssigner
              settings:
                task_groups:
                  - name: learning
                    tasks: [train]
                    collaborators: [alpha, beta]

            """;
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("assigner:\n  defaults: plan/defaults/assigner.yaml\n", Assigner, StringComparison.Ordinal));

        var plan = workspace.Load();

        Assert.Equal("StaticGroupedAssigner", plan.Assigner.Name);
        var group = Assert.Single(plan.Assigner.TaskGroups);
        Assert.Null(group.Percentage);
        Assert.Equal<string>(["alpha", "beta"], group.Collaborators);
    }
}
