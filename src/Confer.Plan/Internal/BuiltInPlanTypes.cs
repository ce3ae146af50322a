namespace Confer.Plan.Internal;

/// <summary>The assigners and straggler policies every registry starts with (strategies come from Confer.Federation's strategy registry).</summary>
internal static class BuiltInPlanTypes
{
    public const string RandomGroupedAssigner = "RandomGroupedAssigner";
    public const string StaticGroupedAssigner = "StaticGroupedAssigner";
    public const string WaitForAll = "WaitForAll";
    public const string CutoffTime = "CutoffTime";
    public const string Percentage = "Percentage";
    public const string FedAvg = "fedavg";

    /// <summary>The Python module of OpenFL's straggler policies, whose class paths name Confer's.</summary>
    private const string OpenFlStragglerModule = "openfl.component.straggler_handling_functions";

    public static void RegisterAll(PlanTypeRegistry registry)
    {
        RegisterAssigners(registry);
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

    private static void RegisterStragglerPolicies(PlanTypeRegistry registry)
    {
        var minimum = SettingDefinition.Integer("minimum_reporting", 1, 1, description: "The fewest collaborators that must report before a round may close.");
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = WaitForAll,
            Aliases = ["WaitForAllPolicy", "NoPolicy", "openfl.component.WaitForAllPolicy", $"{OpenFlStragglerModule}.WaitForAllPolicy", $"{OpenFlStragglerModule}.wait_for_all.WaitForAllPolicy"],
            Settings = SettingsSchema.Empty,
            Description = "The round closes when every assigned collaborator has reported.",
        });
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = CutoffTime,
            Aliases = ["CutoffTimeBasedStragglerHandling", "openfl.component.CutoffTimeBasedStragglerHandling", $"{OpenFlStragglerModule}.CutoffTimeBasedStragglerHandling", $"{OpenFlStragglerModule}.cutoff_time_based_straggler_handling.CutoffTimeBasedStragglerHandling"],
            Settings = new SettingsSchema(
            [
                SettingDefinition.Number("straggler_cutoff_time", null, 0, null, minimumExclusive: true, description: "Seconds after the round starts when the round closes with the results in; absent: no cut-off (OpenFL's default, np.inf), so the round waits for everyone.", optional: true),
                minimum,
            ]),
            Description = "The round closes at a fixed time after it starts, once the minimum has reported.",
        });
        registry.Register(new PlanTypeRegistration
        {
            Kind = PlanComponentKind.StragglerPolicy,
            Name = Percentage,
            Aliases = ["PercentageBasedStragglerHandling", "openfl.component.PercentageBasedStragglerHandling", $"{OpenFlStragglerModule}.PercentageBasedStragglerHandling", $"{OpenFlStragglerModule}.percentage_based_straggler_handling.PercentageBasedStragglerHandling"],
            Settings = new SettingsSchema(
            [
                SettingDefinition.Number("percent_collaborators_needed", 1.0, 0, 1, minimumExclusive: true, description: "The fraction of assigned collaborators whose results close the round, in (0, 1]; 1.0 by default, as in OpenFL."),
                minimum,
            ]),
            Description = "The round closes when a fraction of the assigned collaborators has reported.",
        });
    }
}
