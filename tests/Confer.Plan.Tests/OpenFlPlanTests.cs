using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>
/// OpenFL's plans as OpenFL's documentation and its openfl-workspace templates write them (the
/// defaults files of openfl-workspace/workspace/plan/defaults, the torch_cnn_mnist and
/// torch_cnn_mnist_straggler_check plans, the aggregation-function override of the developer
/// guide), with only the Python data loader and task runner swapped for .NET ones: they load,
/// with a warning for each key that has no effect, and each value Confer cannot honour is refused
/// with its reason.
/// </summary>
public sealed class OpenFlPlanTests
{
    private const string AggregatorDefaults = """
        template : openfl.component.Aggregator
        settings :
            db_store_rounds   : 2
            write_logs : true
        """;

    private const string CollaboratorDefaults = """
        template : openfl.component.Collaborator
        settings :
            opt_treatment     : 'CONTINUE_LOCAL'
            delta_updates     : True
            db_store_rounds   : 1
        """;

    private const string NetworkDefaults = """
        template: openfl.federation.Network
        settings:
            agg_addr                   : auto
            agg_port                   : auto
            hash_salt                  : auto
            tls                        : True
            client_reconnect_interval  : 5
            disable_client_auth        : False
            cert_folder                : cert
        """;

    private const string AssignerDefaults = """
        template : openfl.component.RandomGroupedAssigner
        settings :
          task_groups  :
            - name       : train_and_validate
              percentage : 1.0
              tasks      :
                - aggregated_model_validation
                - train
                - locally_tuned_model_validation
        """;

    private const string TasksTorch = """
        aggregated_model_validation:
          function : validate_task
          kwargs   :
            apply   : global
            metrics :
              - acc

        locally_tuned_model_validation:
          function  : validate_task
          kwargs    :
            apply: local
            metrics :
              - acc

        train:
          function : train_task
          kwargs   :
            metrics     :
            - loss
            epochs : 1
        """;

    // torch_cnn_mnist's plan.yaml; only the data loader and task runner templates are .NET ones.
    private const string TorchCnnMnist = """
        aggregator :
          defaults : plan/defaults/aggregator.yaml
          template : openfl.component.Aggregator
          settings :
            init_state_path     : save/torch_cnn_mnist_init.pbuf
            best_state_path     : save/torch_cnn_mnist_best.pbuf
            last_state_path     : save/torch_cnn_mnist_last.pbuf
            rounds_to_train     : 10
            log_metric_callback :
              template : src.utils.write_metric

        collaborator :
          defaults : plan/defaults/collaborator.yaml
          template : openfl.component.Collaborator
          settings :
            delta_updates    : false
            opt_treatment    : RESET

        data_loader :
          defaults : plan/defaults/data_loader.yaml
          template : mnist_shards
          settings :
            collaborator_count : 2
            data_group_name    : mnist
            batch_size         : 256

        task_runner :
          defaults : plan/defaults/task_runner.yaml
          template : torch_cnn

        network :
          defaults : plan/defaults/network.yaml

        assigner :
          defaults : plan/defaults/assigner.yaml

        tasks :
          defaults : plan/defaults/tasks_torch.yaml

        compression_pipeline :
          defaults : plan/defaults/compression_pipeline.yaml
        """;

    [Fact]
    public void TorchCnnMnist_WithOpenFlsDefaults_LoadsWithAWarningForEachKeyWithoutEffect()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);

        var plan = workspace.Load();

        Assert.Equal(10, plan.Aggregator.RoundsToTrain);
        Assert.True(plan.Aggregator.WriteLogs);
        Assert.Equal(OptTreatment.Reset, plan.Collaborator.OptTreatment);
        Assert.Equal("fedavg", plan.Strategy.Name);
        Assert.Equal(["aggregated_model_validation", "locally_tuned_model_validation", "train"], plan.Tasks.Keys);
        string[] warned = [.. plan.Warnings.Select(w => w.Message)];
        Assert.Contains(warned, w => w.StartsWith("'aggregator.settings.db_store_rounds' has no effect: Confer's aggregator keeps every result", StringComparison.Ordinal));
        Assert.Contains(warned, w => w.StartsWith("'aggregator.settings.log_metric_callback' has no effect: Confer logs every round's metrics itself", StringComparison.Ordinal));
        Assert.Contains(warned, w => w.StartsWith("'collaborator.settings.db_store_rounds' has no effect", StringComparison.Ordinal));
        Assert.Contains(warned, w => w.StartsWith("'network.settings.hash_salt' has no effect: Confer's federation id is the SHA-384 of the canonical plan", StringComparison.Ordinal));
        Assert.Equal(4, warned.Length);
        Assert.Contains(plan.Warnings, w => w.File == "plan/defaults/network.yaml" && w.Line == 5);

        // What was OpenFL's only never reaches the canonical form.
        Assert.DoesNotContain("openfl.", plan.CanonicalYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("db_store_rounds", plan.CanonicalYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("disable_client_auth", plan.CanonicalYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void AggPortAuto_IsDerivedFromThePlanHashAsInOpenFl_AndStaysAutoWhenFrozen()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        var plan = workspace.Load();

        Assert.Equal(PlanLoader.AutoPort(PlanLoader.ComputeHash(plan.CanonicalYaml)), plan.Network.AggregatorPort);
        Assert.InRange(plan.Network.AggregatorPort, 49152, 60998);
        Assert.True(plan.CanonicalYaml.Contains("agg_port: \"auto\"", StringComparison.Ordinal), plan.CanonicalYaml);

        PlanFreezer.Freeze(plan);
        var frozen = workspace.Load();
        Assert.Equal(plan.Hash, frozen.Hash);
        Assert.Equal(plan.Network.AggregatorPort, frozen.Network.AggregatorPort);
    }

    [Fact]
    public void AutoPort_TakesTheFirstEightHexDigitsModulo11847Plus49152()
    {
        Assert.Equal(49152, PlanLoader.AutoPort("00000000" + new string('f', 88)));
        Assert.Equal((int)(0xffffffffu % 11847) + 49152, PlanLoader.AutoPort(new string('f', 96)));
    }

    [Fact]
    public void TheStragglerCheckPlan_NamesPercentageByItsFullClassPath()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist + """

            straggler_handling_policy :
              template : openfl.component.straggler_handling_functions.PercentageBasedStragglerHandling
              settings :
                percent_collaborators_needed : 0.5
                minimum_reporting : 1
            """);

        var plan = workspace.Load();

        Assert.Equal(StragglerPolicyKind.Percentage, plan.StragglerPolicy.Kind);
        Assert.Equal(0.5, plan.StragglerPolicy.Fraction);
        Assert.Equal(1, plan.StragglerPolicy.MinimumReporting);
    }

    [Theory]
    [InlineData("openfl.component.straggler_handling_functions.PercentageBasedStragglerHandling", StragglerPolicyKind.Percentage)]
    [InlineData("openfl.component.straggler_handling_functions.percentage_based_straggler_handling.PercentageBasedStragglerHandling", StragglerPolicyKind.Percentage)]
    [InlineData("openfl.component.straggler_handling_functions.WaitForAllPolicy", StragglerPolicyKind.WaitForAll)]
    public void AStragglerPolicyWithoutSettings_TakesOpenFlsDefaults(string template, StragglerPolicyKind kind)
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist + $"\n\nstraggler_handling_policy :\n  template : {template}\n");

        var plan = workspace.Load();

        Assert.Equal(kind, plan.StragglerPolicy.Kind);
        if (kind == StragglerPolicyKind.Percentage)
        {
            Assert.Equal(1.0, plan.StragglerPolicy.Fraction);
        }
    }

    [Fact]
    public void CutoffTimeWithoutACutoff_WaitsForEveryone_AndSaysSo()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist + "\n\nstraggler_handling_policy :\n  template : openfl.component.straggler_handling_functions.CutoffTimeBasedStragglerHandling\n");

        var plan = workspace.Load();

        Assert.Equal(StragglerPolicyKind.WaitForAll, plan.StragglerPolicy.Kind);
        Assert.Contains(plan.Warnings, w => w.Message.StartsWith("The CutoffTime straggler policy has no straggler_cutoff_time: as with OpenFL's default (np.inf) there is no cut-off", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAggregationTypeOnTheTrainTask_IsThePlansStrategy_AndHashesAsTheStrategySection()
    {
        // The developer guide's override: tasks.train.aggregation_type, and tasks.settings: {}.
        const string Tasks = "  defaults : plan/defaults/tasks_torch.yaml";
        using var openFl = OpenFlWorkspace(TorchCnnMnist.Replace(
            Tasks,
            Tasks + "\n  settings: {}\n  train:\n    function: train_task\n    aggregation_type:\n      template: openfl.interface.aggregation_functions.Median\n    kwargs:\n      metrics:\n      - loss",
            StringComparison.Ordinal));
        using var confer = OpenFlWorkspace(TorchCnnMnist.Replace(
            Tasks,
            Tasks + "\n  train:\n    function: train_task\n    kwargs:\n      metrics:\n      - loss",
            StringComparison.Ordinal) + "\n\nstrategy:\n  template: median\n");

        var plan = openFl.Load();

        Assert.Equal("median", plan.Strategy.Name);
        Assert.Equal(confer.Load().Hash, plan.Hash);
    }

    [Fact]
    public void TrainingTasksThatAggregateDifferently_AreRefusedSayingWhy()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist.Replace(
            "  defaults : plan/defaults/tasks_torch.yaml",
            "  defaults : plan/defaults/tasks_torch.yaml\n  train_more:\n    function: train_task\n    aggregation_type:\n      template: openfl.interface.aggregation_functions.Median\n    kwargs:\n      metrics: [loss]",
            StringComparison.Ordinal));
        workspace.Write("plan/defaults/tasks_torch.yaml", TasksTorch.Replace("    epochs : 1", "    epochs : 1\n  aggregation_type: WeightedAverage", StringComparison.Ordinal));

        var problems = workspace.LoadFails().Problems;

        Assert.Contains(problems, p => p.Message.StartsWith("The training tasks aggregate differently (", StringComparison.Ordinal)
            && p.Message.Contains("train (WeightedAverage)", StringComparison.Ordinal)
            && p.Message.Contains("train_more (openfl.interface.aggregation_functions.Median)", StringComparison.Ordinal)
            && p.Message.Contains("Confer aggregates a plan's model with one strategy", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAggregationTypeAgainstTheStrategySection_IsRefused()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist + "\n\nstrategy:\n  template: fedavg\n");
        workspace.Write("plan/defaults/tasks_torch.yaml", TasksTorch.Replace("    epochs : 1", "    epochs : 1\n  aggregation_type:\n    template: GeometricMedian", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal("plan/defaults/tasks_torch.yaml", problem.File);
        Assert.StartsWith("'tasks.train.aggregation_type' is GeometricMedian (Confer's geometric_median), but the 'strategy' section names fedavg (fedavg)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAdaptiveAggregation_IsConfersStrategy_WithAWarningOnOpenFlsOtherDefaults()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        workspace.Write("plan/defaults/tasks_torch.yaml", TasksTorch.Replace("    epochs : 1", "    epochs : 1\n  aggregation_type:\n    template: openfl.interface.aggregation_functions.AdamAdaptiveAggregation", StringComparison.Ordinal));

        var plan = workspace.Load();

        Assert.Equal("fedadam", plan.Strategy.Name);
        Assert.Contains(plan.Warnings, w => w.Message.Contains("is Confer's fedadam, whose defaults are Flower's", StringComparison.Ordinal) && w.Message.Contains("eta: 0.01, beta_2: 0.999, tau: 1e-8", StringComparison.Ordinal));
    }

    [Fact]
    public void AggregationTypeSettings_AreRefusedNamingWhereConferTakesThem()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        workspace.Write("plan/defaults/tasks_torch.yaml", TasksTorch.Replace("    epochs : 1", "    epochs : 1\n  aggregation_type:\n    template: AdamAdaptiveAggregation\n    settings:\n      learning_rate: 0.4", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.StartsWith("'tasks.train.aggregation_type.settings': Confer takes a strategy's settings in the plan's 'strategy' section", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disable_tls", "True", "Confer always uses mutual TLS; for a local experiment without TLS, set tls: false and insecure: true instead")]
    [InlineData("disable_client_auth", "True", "Confer always requires a client certificate that chains to the federation's CA (mutual TLS)")]
    [InlineData("require_client_auth", "False", "Confer always requires a client certificate that chains to the federation's CA (mutual TLS)")]
    public void AValueConferCannotHonour_IsRefusedSayingWhatConferDoesInstead(string key, string value, string instead)
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        workspace.Write("plan/defaults/network.yaml", NetworkDefaults.Replace("    disable_client_auth        : False", $"    disable_client_auth        : False\n    {key} : {value}", StringComparison.Ordinal)
            .Replace("    disable_client_auth        : False\n    disable_client_auth : True", "    disable_client_auth : True", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal("plan/defaults/network.yaml", problem.File);
        Assert.StartsWith($"'network.settings.{key}: {value}' cannot be honoured: {instead}", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aggregator", "epochs_per_round : 2", "'aggregator.settings.epochs_per_round' is OpenFL's; Confer sets the local epochs per task: tasks.train.kwargs.epochs")]
    [InlineData("collaborator", "epochs_per_round : 2", "'collaborator.settings.epochs_per_round' is OpenFL's; Confer sets the local epochs per task: tasks.train.kwargs.epochs")]
    public void AKeyWithAnEquivalentElsewhere_IsRefusedNamingIt(string section, string line, string message)
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        string defaults = section == "aggregator" ? AggregatorDefaults : CollaboratorDefaults;
        workspace.Write($"plan/defaults/{section}.yaml", defaults + $"\n    {line}\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompressingPipeline_IsRefused_UntilConferCompresses()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        workspace.Write("plan/defaults/compression_pipeline.yaml", "template: openfl.pipelines.KCPipeline\nsettings:\n  n_clusters: 6\n");

        var problems = workspace.LoadFails().Problems;

        Assert.Contains(problems, p => p.Message.StartsWith("'compression_pipeline.template: openfl.pipelines.KCPipeline' compresses updates. Confer does not compress updates yet", StringComparison.Ordinal));
    }

    [Fact]
    public void ASectionTemplateOfAnotherClass_IsRefusedNamingOpenFlsOne()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist.Replace("  template : openfl.component.Aggregator\n  settings :\n    init_state_path", "  template : src.my_aggregator.MyAggregator\n  settings :\n    init_state_path", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.StartsWith("The 'aggregator' section is built into Confer; its template can only be OpenFL's openfl.component.Aggregator (the same thing here), not 'src.my_aggregator.MyAggregator'.", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATaskCalledSettings_IsRefused_AsOpenFlReservesTheKey()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist);
        workspace.Write("plan/defaults/tasks_torch.yaml", TasksTorch + "\nsettings: validate_task\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.StartsWith("'tasks.settings' is reserved (as in OpenFL)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePythonDataLoaderAndTaskRunner_AreRefusedSayingToWriteThemInCode()
    {
        using var workspace = OpenFlWorkspace(TorchCnnMnist
            .Replace("template : mnist_shards", "template : src.dataloader.PyTorchMNISTInMemory", StringComparison.Ordinal)
            .Replace("template : torch_cnn", "template : src.taskrunner.PyTorchCNN", StringComparison.Ordinal));

        var problems = workspace.LoadFails().Problems;

        Assert.Contains(problems, p => p.Message.StartsWith("Unknown data loader 'src.dataloader.PyTorchMNISTInMemory'", StringComparison.Ordinal)
            && p.Message.EndsWith("If 'src.dataloader.PyTorchMNISTInMemory' is OpenFL Python code, write its data loader in C# in the workspace's code/ project and name its type here (docs/workspace-code.md; docs/migrating-from-openfl.md shows a PyTorchTaskRunner beside its Confer task runner).", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("Unknown task runner 'src.taskrunner.PyTorchCNN'", StringComparison.Ordinal));
    }

    private static TestWorkspace OpenFlWorkspace(string plan) => new TestWorkspace()
        .Write("plan/plan.yaml", plan)
        .Write("plan/defaults/aggregator.yaml", AggregatorDefaults)
        .Write("plan/defaults/collaborator.yaml", CollaboratorDefaults)
        .Write("plan/defaults/network.yaml", NetworkDefaults)
        .Write("plan/defaults/assigner.yaml", AssignerDefaults)
        .Write("plan/defaults/tasks_torch.yaml", TasksTorch)
        .Write("plan/defaults/compression_pipeline.yaml", "template: openfl.pipelines.NoCompressionPipeline\n")
        .Write("plan/defaults/data_loader.yaml", "template: openfl.federated.DataLoader\n")
        .Write("plan/defaults/task_runner.yaml", "template: openfl.federated.task_runner.CoreTaskRunner\n")
        .Write("plan/cols.yaml", "collaborators:\n  - one\n  - two\n");
}
