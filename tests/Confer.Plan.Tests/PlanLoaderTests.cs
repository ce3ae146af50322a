using Confer.Plan;

namespace Confer.Plan.Tests;

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
    public void Load_OpenFlKeyConferSpellsDifferently_SaysWhatToWrite()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    use_tls: true\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((14, 5), (problem.Line, problem.Column));
        Assert.Contains("Unknown key 'use_tls' in 'network.settings'. Confer calls it 'tls'.", problem.Message, StringComparison.Ordinal);
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
        Assert.Contains("fedavg, fault_tolerant_fedavg, fedavgm, fedprox, fedadam, fedyogi, fedadagrad, median, trimmed_mean, krum, multi_krum, geometric_median", problem.Message, StringComparison.Ordinal);
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

    [Fact]
    public void Load_PlaintextWithoutExplicitInsecure_IsRefused()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    tls: false\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((14, 10), (problem.Line, problem.Column));
        Assert.Contains("plaintext", problem.Message, StringComparison.Ordinal);
        Assert.Contains("insecure: true", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CertFolderOtherThanCert_IsRefusedWhereItIs_CertAndItsSpellingsAreAccepted()
    {
        using var elsewhere = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    cert_folder: pki\n");

        var problem = Assert.Single(elsewhere.LoadFails().Problems);

        Assert.Equal((14, 18), (problem.Line, problem.Column));
        Assert.Contains("'network.settings.cert_folder' is 'pki'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("set it to 'cert'", problem.Message, StringComparison.Ordinal);

        using var cert = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    cert_folder: ./cert/\n");
        Assert.Equal("./cert/", cert.Load().Network.CertificateFolder);
    }

    [Fact]
    public void Load_PlaintextWithExplicitInsecure_IsAccepted()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    tls: false\n    insecure: true\n");

        var network = workspace.Load().Network;

        Assert.False(network.Tls);
        Assert.True(network.Insecure);
    }

    [Fact]
    public void Load_ChunkLargerThanMessageLimit_IsRefused()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "network:\n  settings:\n    limits:\n      max_message_size: 4096\n      chunk_size: 8192\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((16, 19), (problem.Line, problem.Column));
        Assert.Contains("chunk_size' (8192) must not exceed 'max_message_size' (4096)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StatePathOutsideTheWorkspace_IsRefused()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("rounds_to_train: 3", "rounds_to_train: 3\n    best_state_path: /etc/best.pbuf", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((4, 22), (problem.Line, problem.Column));
        Assert.Contains("must be a path inside the workspace", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WaitForAll", "", StragglerPolicyKind.WaitForAll, null, null, 1)]
    [InlineData("Percentage", "percent_collaborators_needed: 0.5", StragglerPolicyKind.Percentage, null, 0.5, 1)]
    [InlineData("PercentageBasedStragglerHandling", "percent_collaborators_needed: 1\n    minimum_reporting: 3", StragglerPolicyKind.Percentage, null, 1.0, 3)]
    [InlineData("openfl.component.CutoffTimeBasedStragglerHandling", "straggler_cutoff_time: 2.5", StragglerPolicyKind.CutoffTime, 2.5, null, 1)]
    public void Load_StragglerPolicies_AreTyped(string template, string settings, StragglerPolicyKind kind, double? seconds, double? fraction, int minimum)
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + $"straggler_handling_policy:\n  template: {template}\n  settings:\n    {settings}\n");

        var policy = workspace.Load().StragglerPolicy;

        Assert.Equal(new StragglerPolicy(kind, seconds is { } s ? TimeSpan.FromSeconds(s) : null, fraction, minimum), policy);
    }

    [Fact]
    public void Load_PercentagePolicyOutOfRangeAndMissingCutoff_AreBothReported()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "straggler_handling_policy:\n  template: Percentage\n  settings:\n    percent_collaborators_needed: 0\n    minimum_reporting: 0\n");

        var problems = workspace.LoadFails().Problems;

        ProblemAssert.Count(2, problems);
        Assert.Contains("must be in (0, 1], not 0", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("'straggler_handling_policy.settings.minimum_reporting' must be >= 1, not 0", problems[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("krum", "num_malicious_clients: 1", "num_malicious_clients", 1.0)]
    [InlineData("multi_krum", "num_malicious_clients: 1\n    num_clients_to_keep: 3", "num_clients_to_keep", 3.0)]
    [InlineData("FedMedian", "", null, null)]
    [InlineData("geometric_median", "", "max_iterations", 4.0)]
    [InlineData("fedadam", "eta: 0.5", "beta_2", 0.99)]
    [InlineData("fedprox", "proximal_mu: 0.01", "proximal_mu", 0.01)]
    public void Load_RobustAndAdaptiveStrategies_AreSelectable(string template, string settings, string? key, double? expected)
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + $"strategy:\n  template: {template}\n  settings:\n    {settings}\n");

        var strategy = workspace.Load().Strategy;

        Assert.Equal(template.Equals("FedMedian", StringComparison.Ordinal) ? "median" : template, strategy.Name);
        if (key is not null)
        {
            Assert.Equal(expected, strategy.Settings.GetNumber(key));
        }
        else
        {
            // Only the settings every built-in strategy has.
            Assert.Equal(["accept_failures", "min_completion_rate_evaluate", "min_completion_rate_fit"], strategy.Settings.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Load_FedProxWithoutMu_NamesTheRequiredSetting()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "strategy:\n  template: fedprox\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((12, 1), (problem.Line, problem.Column));
        Assert.Contains("'strategy.settings' is missing the required setting 'proximal_mu'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TypeKeyIsAcceptedForTemplate()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("template: torch_cnn", "type: torch_cnn", StringComparison.Ordinal));

        Assert.Equal("torch_cnn", workspace.Load().TaskRunner.Name);
    }

    [Fact]
    public void Load_TemplateInABuiltInSection_SaysToRemoveIt()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("aggregator:\n", "aggregator:\n  template: openfl.component.Aggregator\n", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((2, 3), (problem.Line, problem.Column));
        Assert.Equal("The 'aggregator' section is built into Confer and takes no 'template'; remove it.", problem.Message);
    }

    [Fact]
    public void Load_DuplicateKey_IsReported()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("rounds_to_train: 3", "rounds_to_train: 3\n    rounds_to_train: 4", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal(4, problem.Line);
        Assert.Contains("rounds_to_train", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CompressionStages_AreRefusedBecauseNothingAppliesThem()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "compression_pipeline:\n  stages:\n    - template: topk\n      settings: {fraction: 0.1}\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal(14, problem.Line);
        Assert.Contains("Confer does not compress updates yet: nothing would apply them", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EtaL_IsRefusedWithWhatToDoInstead()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "strategy:\n  template: fedadam\n  settings:\n    eta_l: 0.1\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Contains("Unknown key 'eta_l' in 'strategy.settings'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Set the collaborators' learning rate in the task runner's settings", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FedProxWithARunnerThatDoesNotApplyMu_IsRefusedAtTheStrategy()
    {
        var registry = PlanTypeRegistry.CreateDefault().Add(Confer.Federation.Strategies.StrategyRegistry.Default)
            .RegisterTaskRunner("plain", SettingsSchema.Empty, new Dictionary<string, SettingsSchema> { ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000)]), ["validate_task"] = SettingsSchema.Empty })
            .RegisterDataLoader("mnist_shards", new SettingsSchema([SettingDefinition.String("data_group_name", "x")]));
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("template: torch_cnn", "template: plain", StringComparison.Ordinal) + "strategy:\n  template: fedprox\n  settings:\n    proximal_mu: 0.1\n");

        var exception = Assert.Throws<PlanValidationException>(() => new PlanLoader(registry).Load(workspace.Root));

        var problem = Assert.Single(exception.Problems);
        Assert.Equal((13, 13), (problem.Line, problem.Column));
        Assert.Contains("The strategy 'fedprox' sends proximal_mu to the collaborators, but the task runner 'plain' does not apply it", problem.Message, StringComparison.Ordinal);
    }
}
