using System.Collections.Immutable;

namespace Confer.Plan.Internal;

// From bound settings to the typed plan model (AggregatorSettings, NetworkSettings, ...).
internal sealed partial class PlanBinder
{
    private static AggregatorSettings ToAggregator(PlanSettings s) => new(
        s.GetString("init_state_path"),
        s.GetString("best_state_path"),
        s.GetString("last_state_path"),
        (int)s.GetInteger("rounds_to_train"),
        s.GetBoolean("write_logs"),
        s.GetInteger("max_aggregation_memory"));

    private static CollaboratorSettings ToCollaborator(PlanSettings s) => new(
        s.GetBoolean("delta_updates"),
        s.GetString("opt_treatment") switch
        {
            "CONTINUE_LOCAL" => OptTreatment.ContinueLocal,
            "CONTINUE_GLOBAL" => OptTreatment.ContinueGlobal,
            _ => OptTreatment.Reset,
        });

    private static NetworkSettings ToNetwork(PlanSettings s)
    {
        var limits = s["limits"].AsMap();
        return new NetworkSettings(
            s.GetString("agg_addr"),
            (int)s.GetInteger("agg_port"),
            s.GetBoolean("tls"),
            s.GetBoolean("insecure"),
            TimeSpan.FromSeconds(s.GetNumber("client_reconnect_interval")),
            TimeSpan.FromSeconds(s.GetNumber("client_reconnect_timeout")),
            s.GetString("cert_folder"),
            new NetworkLimits(
                limits["max_message_size"].AsInteger(),
                limits["max_total_upload_size"].AsInteger(),
                (int)limits["chunk_size"].AsInteger(),
                limits["max_requests_per_second"].AsNumber(),
                (int)limits["request_burst"].AsInteger(),
                limits["max_upload_bytes_per_second"].AsInteger()));
    }

    private static AssignerPlan ToAssigner(BoundComponent assigner)
    {
        var groups = assigner.Settings.TryGetValue(TaskGroups, out var list)
            ? list.AsList().Select(item =>
            {
                var group = item.AsMap();
                return new TaskGroup(
                    group["name"].AsString(),
                    group.TryGetValue("percentage", out var percentage) ? percentage.AsNumber() : null,
                    group["tasks"].AsStringList(),
                    group.TryGetValue("collaborators", out var members) ? members.AsStringList() : []);
            }).ToImmutableArray()
            : [];
        return new AssignerPlan(assigner.Registration.Name, groups, assigner.Settings);
    }

    private static StragglerPolicy ToStragglerPolicy(BoundComponent policy)
    {
        var minimum = policy.Settings.TryGetValue("minimum_reporting", out var value) ? (int)value.AsInteger() : 1;
        return policy.Registration.Name switch
        {
            // Without a cut-off time (OpenFL's np.inf) the round waits for everyone.
            BuiltInPlanTypes.CutoffTime when !policy.Settings.ContainsKey("straggler_cutoff_time") => Confer.Plan.StragglerPolicy.WaitForAll,
            BuiltInPlanTypes.CutoffTime => new StragglerPolicy(StragglerPolicyKind.CutoffTime, TimeSpan.FromSeconds(policy.Settings.GetNumber("straggler_cutoff_time")), null, minimum),
            BuiltInPlanTypes.Percentage => new StragglerPolicy(StragglerPolicyKind.Percentage, null, policy.Settings.GetNumber("percent_collaborators_needed"), minimum),
            _ => Confer.Plan.StragglerPolicy.WaitForAll,
        };
    }
}
