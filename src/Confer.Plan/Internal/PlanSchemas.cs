namespace Confer.Plan.Internal;

/// <summary>The settings of the sections Confer implements itself (not chosen from the registry).</summary>
internal static class PlanSchemas
{
    public const long MiB = 1024 * 1024;

    public static SettingsSchema Aggregator { get; } = new(
    [
        SettingDefinition.String("init_state_path", "save/init.pbuf", "The initial model state, relative to the workspace."),
        SettingDefinition.String("best_state_path", "save/best.pbuf", "Where the best model state is saved."),
        SettingDefinition.String("last_state_path", "save/last.pbuf", "Where the last model state is saved every round."),
        SettingDefinition.Integer("rounds_to_train", null, 1, int.MaxValue, "The number of rounds, at least 1."),
        SettingDefinition.Boolean("write_logs", false, "Whether per-round metrics are also written under logs/."),
        SettingDefinition.Integer("max_aggregation_memory", 8L * 1024 * MiB, 1, null, "The most bytes a strategy that holds every update of a round (median, trimmed_mean, krum, geometric_median) may use for them: collaborators x model size."),
    ]);

    public static SettingsSchema Collaborator { get; } = new(
    [
        SettingDefinition.Boolean("delta_updates", false, "Whether train uploads the difference from the global model."),
        SettingDefinition.Enum("opt_treatment", ["RESET", "CONTINUE_LOCAL", "CONTINUE_GLOBAL"], "RESET", "The optimizer state's treatment between rounds."),
    ]);

    public static SettingsSchema NetworkLimits { get; } = new(
    [
        SettingDefinition.Integer("max_message_size", 16 * MiB, 1024, int.MaxValue, "The largest single message, in bytes."),
        SettingDefinition.Integer("max_total_upload_size", 2048 * MiB, 1024, null, "The largest task result upload, all chunks together, in bytes."),
        SettingDefinition.Integer("chunk_size", 64 * 1024, 1024, int.MaxValue, "The size of one streamed chunk, in bytes; at most max_message_size."),
        SettingDefinition.Number("max_requests_per_second", 50, 0, null, minimumExclusive: true, description: "The sustained request rate allowed per collaborator."),
        SettingDefinition.Integer("request_burst", 100, 1, int.MaxValue, "The requests a collaborator may make at once above the sustained rate."),
        SettingDefinition.Integer("max_upload_bytes_per_second", 0, 0, null, "The upload rate allowed per collaborator, in bytes per second; 0 is unlimited."),
    ]);

    public static SettingsSchema Network { get; } = new(
    [
        SettingDefinition.String("agg_addr", "auto", "The aggregator's host name; auto is replaced by plan initialize."),
        SettingDefinition.Integer("agg_port", 50051, 1, 65535, "The aggregator's port."),
        SettingDefinition.Boolean("tls", true, "Whether connections use mutual TLS."),
        SettingDefinition.Boolean("insecure", false, "The explicit consent to plaintext, required when tls is false."),
        SettingDefinition.Number("client_reconnect_interval", 5, 0, null, minimumExclusive: true, description: "The base reconnect delay, in seconds."),
        SettingDefinition.Number("client_reconnect_timeout", 3600, 0, null, minimumExclusive: true, description: "How long a collaborator retries an unreachable aggregator before it gives up, in seconds."),
        SettingDefinition.String("cert_folder", "cert", "The certificates folder, relative to the workspace."),
        SettingDefinition.Object("limits", NetworkLimits, description: "Size and rate limits."),
    ]);

    public static SettingsSchema DataLoaderCommon { get; } = new(
    [
        SettingDefinition.Integer("batch_size", 32, 1, int.MaxValue, "The batch size."),
        SettingDefinition.Integer("collaborator_count", null, 1, int.MaxValue, "The number of shards the data is split into.", optional: true),
    ]);

    public static SettingsSchema TaskKwargsCommon { get; } = new(
    [
        SettingDefinition.Enum("apply", ["global", "local"], null, "For a validation task: the aggregated (global) or locally trained (local) model.", optional: true),
        SettingDefinition.StringList("metrics", description: "The metrics the task reports."),
    ]);

    /// <summary><paramref name="common"/> and then <paramref name="own"/>, where a key both declare keeps <paramref name="own"/>'s definition.</summary>
    public static SettingsSchema Combine(SettingsSchema common, SettingsSchema own) =>
        new(common.Settings.Where(s => !own.TryGetSetting(s.Key, out _)).Concat(own.Settings));
}
