namespace Confer.Plan.Internal;

/// <summary>The assigners, strategies and straggler policies every registry starts with.</summary>
internal static class BuiltInPlanTypes
{
    public const string RandomGroupedAssigner = "RandomGroupedAssigner";
    public const string StaticGroupedAssigner = "StaticGroupedAssigner";
    public const string WaitForAll = "WaitForAll";
    public const string CutoffTime = "CutoffTime";
    public const string Percentage = "Percentage";
    public const string FedAvg = "fedavg";

    public static void RegisterAll(PlanTypeRegistry registry)
    {
        RegisterAssigners(registry);
        RegisterStrategies(registry);
        RegisterStragglerPolicies(registry);
    }

    private static void RegisterAssigners(PlanTypeRegistry registry)
    {
        var name = SettingDefinition.String("name", null, "The group's name, e.g. learning.");
        var tasks = SettingDefinition.StringList("tasks", required: true, allowEmpty: false, description: "The tasks every collaborator of the group runs each round, in order.");
        var randomGroup = new SettingsSchema(
        [
            name,
            SettingDefinition.Number("percentage", null, 0, 1, description: "The fraction of collaborators in this group, in [0, 1]; the groups' fractions sum to 1."),
            tasks,
        ]);
        var staticGroup = new SettingsSchema(
        [
            name,
            tasks,
            SettingDefinition.StringList("collaborators", required: true, allowEmpty: false, description: "The collaborators in this group."),
        ]);

        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.Assigner,
            Name = RandomGroupedAssigner,
            Aliases = ["openfl.component.RandomGroupedAssigner", "openfl.component.assigner.RandomGroupedAssigner"],
            Settings = new SettingsSchema([SettingDefinition.ObjectList("task_groups", randomGroup, required: true, allowEmpty: false, description: "The task groups with their percentages.")]),
            Description = "Each round, collaborators are shuffled and split among the task groups by percentage.",
        });
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.Assigner,
            Name = StaticGroupedAssigner,
            Aliases = ["openfl.component.StaticGroupedAssigner", "openfl.component.assigner.StaticGroupedAssigner"],
            Settings = new SettingsSchema([SettingDefinition.ObjectList("task_groups", staticGroup, required: true, allowEmpty: false, description: "The task groups with their collaborators.")]),
            Description = "Each task group names its collaborators explicitly.",
        });
    }

    private static void RegisterStrategies(PlanTypeRegistry registry)
    {
        static SettingDefinition Eta(double value) => SettingDefinition.Number("eta", value, 0, null, minimumExclusive: true, description: "Server learning rate.");
        static SettingDefinition EtaL(double value) => SettingDefinition.Number("eta_l", value, 0, null, minimumExclusive: true, description: "Client learning rate, sent to collaborators.");
        static SettingDefinition Beta1(double value) => SettingDefinition.Number("beta_1", value, 0, 1, maximumExclusive: true, description: "Momentum decay, in [0, 1).");
        static SettingDefinition Beta2(double value) => SettingDefinition.Number("beta_2", value, 0, 1, maximumExclusive: true, description: "Second-moment decay, in [0, 1).");
        static SettingDefinition Tau(double value) => SettingDefinition.Number("tau", value, 0, null, minimumExclusive: true, description: "Adaptivity, > 0.");
        var malicious = SettingDefinition.Integer("num_malicious_clients", 0, 0, description: "The number f of Byzantine collaborators tolerated.");

        void Add(string name, string description, SettingDefinition[] settings, params string[] aliases) => registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.Strategy,
            Name = name,
            Settings = new SettingsSchema(settings),
            Aliases = [.. aliases],
            Description = description,
        });

        Add(FedAvg, "Example-weighted mean (McMahan et al., 2017).", []);
        Add("fedavgm", "Weighted mean with server momentum (Hsu et al., 2019).",
        [
            SettingDefinition.Number("server_learning_rate", 1.0, 0, null, minimumExclusive: true, description: "Server learning rate."),
            SettingDefinition.Number("server_momentum", 0.0, 0, 1, maximumExclusive: true, description: "Server momentum, in [0, 1)."),
        ]);
        Add("fedadam", "Server-side Adam on the mean update (Reddi et al., 2021).", [Eta(0.1), EtaL(0.1), Beta1(0.9), Beta2(0.99), Tau(1e-9)]);
        Add("fedyogi", "Server-side Yogi on the mean update (Reddi et al., 2021).", [Eta(0.01), EtaL(0.0316), Beta1(0.9), Beta2(0.99), Tau(1e-3)]);
        Add("fedadagrad", "Server-side Adagrad on the mean update (Reddi et al., 2021).", [Eta(0.1), EtaL(0.1), Beta1(0.0), Tau(1e-9)]);
        Add("fedprox", "Weighted mean; collaborators add a proximal term to their loss (Li et al., 2020).",
        [
            SettingDefinition.Number("proximal_mu", null, 0, description: "Weight of the proximal term, >= 0."),
        ]);
        Add("median", "Element-wise median (Yin et al., 2018).", [], "fedmedian");
        Add("trimmed_mean", "Element-wise trimmed mean (Yin et al., 2018).",
        [
            SettingDefinition.Number("beta", 0.2, 0, 0.5, maximumExclusive: true, description: "Fraction cut from each end, in [0, 0.5)."),
        ], "fedtrimmedavg", "trimmedmean");
        Add("krum", "The update closest to its neighbours (Blanchard et al., 2017).", [malicious]);
        Add("multi_krum", "Mean of the m updates closest to their neighbours (El Mhamdi et al., 2018).",
        [
            malicious,
            SettingDefinition.Integer("num_clients_to_keep", null, 1, description: "The number m of updates averaged."),
        ], "multikrum");
        Add("geometric_median", "Weighted geometric median by smoothed Weiszfeld iterations (Pillutla et al., 2019).",
        [
            SettingDefinition.Integer("max_iterations", 4, 1, description: "Weiszfeld iterations."),
            SettingDefinition.Number("eps", 1e-5, 0, null, minimumExclusive: true, description: "Smoothing of the distances."),
            SettingDefinition.Number("ftol", 1e-6, 0, null, minimumExclusive: true, description: "Stop when the objective improves by less than this, relatively."),
        ], "geometricmedian");
    }

    private static void RegisterStragglerPolicies(PlanTypeRegistry registry)
    {
        var minimum = SettingDefinition.Integer("minimum_reporting", 1, 1, description: "The fewest collaborators that must report before a round may close.");
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = WaitForAll,
            Aliases = ["WaitForAllPolicy", "NoPolicy", "openfl.component.WaitForAllPolicy"],
            Settings = SettingsSchema.Empty,
            Description = "The round closes when every assigned collaborator has reported.",
        });
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = CutoffTime,
            Aliases = ["CutoffTimeBasedStragglerHandling", "openfl.component.CutoffTimeBasedStragglerHandling"],
            Settings = new SettingsSchema(
            [
                SettingDefinition.Number("straggler_cutoff_time", null, 0, null, minimumExclusive: true, description: "Seconds after the round starts when the round closes with the results in."),
                minimum,
            ]),
            Description = "The round closes at a fixed time after it starts, once the minimum has reported.",
        });
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = Percentage,
            Aliases = ["PercentageBasedStragglerHandling", "openfl.component.PercentageBasedStragglerHandling"],
            Settings = new SettingsSchema(
            [
                SettingDefinition.Number("percent_collaborators_needed", null, 0, 1, minimumExclusive: true, description: "The fraction of assigned collaborators whose results close the round, in (0, 1]."),
                minimum,
            ]),
            Description = "The round closes when a fraction of the assigned collaborators has reported.",
        });
    }
}
