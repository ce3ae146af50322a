namespace Confer.Plan.Internal;

/// <summary>Targeted hints for keys OpenFL (or Flower) users write that Confer spells differently or does without.</summary>
internal static class OpenFlHints
{
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["use_tls"] = "Confer calls it 'tls'.",
        ["require_client_auth"] = "Confer always requires client certificates under TLS; remove it.",
        ["hash_salt"] = "Confer does not salt the plan hash; remove it.",
        ["db_store_rounds"] = "Confer keeps results in its durable run store; remove it.",
        ["persist_checkpoint"] = "Confer always writes results durably; remove it.",
        ["persistent_db_path"] = "Confer keeps results in its durable run store; remove it.",
        ["aggregation_type"] = "Confer sets the aggregation for the whole plan in the 'strategy' section.",
        ["log_metric_callback"] = "Confer logs metrics itself; use 'write_logs'.",
        ["eta_l"] = "eta_l is the client learning rate of Flower's FedOpt strategies, which they store and never send; Confer does not take a setting that nothing applies. Set the collaborators' learning rate in the task runner's settings (torch_cnn: learning_rate).",
        ["min_completion_rate_evaluate"] = "A plan's validation tasks run with its training tasks, in one phase, so there is no evaluation phase for it to close; min_completion_rate_fit sets the least share of training tasks that must return a model.",
    };

    public static string? For(string key) => Hints.GetValueOrDefault(key);
}
