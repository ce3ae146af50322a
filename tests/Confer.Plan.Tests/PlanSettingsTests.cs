using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>
/// What a plan's settings may say: transport security, paths inside the workspace, straggler
/// policies, strategies and their settings, and the settings that nothing applies, which are refused.
/// </summary>
public sealed class PlanSettingsTests
{
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
            Assert.Equal(["accept_failures", "min_completion_rate_fit"], strategy.Settings.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Load_FaultTolerantFedAvg_CloseAtHalfTheTrainingTasks()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "strategy:\n  template: fault_tolerant_fedavg\n");

        Assert.Equal(0.5, workspace.Load().Strategy.Settings.GetNumber("min_completion_rate_fit"));
    }

    [Fact]
    public void Load_MinCompletionRateEvaluate_IsRefusedBecauseAPlanHasNoEvaluationPhase()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan + "strategy:\n  template: fedavg\n  settings:\n    min_completion_rate_evaluate: 0.5\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Contains("Unknown key 'min_completion_rate_evaluate' in 'strategy.settings'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("there is no evaluation phase for it to close", problem.Message, StringComparison.Ordinal);
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
    public void Load_TemplateInABuiltInSection_OtherThanOpenFlsOwnClass_SaysToRemoveIt()
    {
        using var workspace = PlanFixtures.WithPlan(PlanFixtures.MinimalPlan.Replace("aggregator:\n", "aggregator:\n  template: src.aggregator.MyAggregator\n", StringComparison.Ordinal));

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal((2, 13), (problem.Line, problem.Column));
        Assert.Equal("The 'aggregator' section is built into Confer; its template can only be OpenFL's openfl.component.Aggregator (the same thing here), not 'src.aggregator.MyAggregator'. Remove the template.", problem.Message);
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
