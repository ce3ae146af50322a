using System.Collections.Immutable;

namespace Confer.Plan.Internal;

/// <summary>
/// OpenFL's plan language, read as far as it has a meaning in Confer, before the sections are bound:
/// a section's <c>template</c> naming OpenFL's own class for a section Confer builds in is the same
/// thing and is dropped; a key Confer has no use for is dropped with a warning saying why; a value
/// Confer cannot honour is a problem saying what Confer does instead; <c>agg_port: auto</c> and
/// <c>tasks.settings</c> are read as OpenFL reads them, and each task's <c>aggregation_type</c> is
/// collected for the plan's strategy. What is dropped never reaches the canonical form, so an
/// OpenFL plan hashes as the Confer plan it means.
/// </summary>
internal sealed class OpenFlCompatibility(ProblemCollector problems)
{
    private const string Settings = "settings";
    private const string Template = "template";
    private const string AggregationType = "aggregation_type";

    private static readonly Dictionary<string, string[]> SectionClasses = new(StringComparer.Ordinal)
    {
        [PlanBinder.AggregatorSection] = ["openfl.component.Aggregator", "openfl.component.aggregator.Aggregator", "openfl.component.aggregator.aggregator.Aggregator"],
        [PlanBinder.CollaboratorSection] = ["openfl.component.Collaborator", "openfl.component.collaborator.Collaborator", "openfl.component.collaborator.collaborator.Collaborator"],
        [PlanBinder.NetworkSection] = ["openfl.federation.Network"],
        [PlanBinder.CompressionPipelineSection] = ["openfl.pipelines.NoCompressionPipeline", "openfl.pipelines.no_compression_pipeline.NoCompressionPipeline"],
    };

    private static readonly string NoCompression =
        "Confer does not compress updates yet, so nothing would apply it; remove the template (or the whole section): updates travel uncompressed.";

    /// <summary>Keys OpenFL reads that Confer has no use for: the reason each has no effect.</summary>
    private static readonly Dictionary<(string Section, string Key), string> NoEffect = new()
    {
        [(PlanBinder.AggregatorSection, "db_store_rounds")] = "Confer's aggregator keeps every result it acknowledged in its durable results store until the round is committed, not a number of rounds in a tensor database.",
        [(PlanBinder.AggregatorSection, "persist_checkpoint")] = "Confer's results store is always durable: every result is written to disk before it is acknowledged, and every round is committed by one atomic checkpoint.",
        [(PlanBinder.AggregatorSection, "persistent_db_path")] = "Confer's results store is always durable and lives in save/federation/.",
        [(PlanBinder.AggregatorSection, "log_metric_callback")] = "Confer logs every round's metrics itself, and with write_logs: true also writes them to logs/metrics.csv and plots logs/metrics.png; it calls no Python callback.",
        [(PlanBinder.CollaboratorSection, "db_store_rounds")] = "a Confer collaborator keeps no tensor database; it holds the round's global model and its own last result.",
        [(PlanBinder.CollaboratorSection, "polling_interval")] = "a Confer collaborator waits on the aggregator's answer for its next task instead of polling; network.settings.client_reconnect_interval sets its pause after a failed call.",
        [(PlanBinder.NetworkSection, "hash_salt")] = "Confer's federation id is the SHA-384 of the canonical plan (and of the workspace's code), unsalted.",
    };

    /// <summary>Keys whose value is Confer's fixed behaviour: the value that agrees, and what Confer does instead of the other.</summary>
    private static readonly Dictionary<(string Section, string Key), (bool Agrees, string Instead)> FixedBehaviour = new()
    {
        [(PlanBinder.NetworkSection, "disable_client_auth")] = (false, "Confer always requires a client certificate that chains to the federation's CA (mutual TLS); remove disable_client_auth: True."),
        [(PlanBinder.NetworkSection, "require_client_auth")] = (true, "Confer always requires a client certificate that chains to the federation's CA (mutual TLS); remove require_client_auth: False."),
        [(PlanBinder.NetworkSection, "disable_tls")] = (false, "Confer always uses mutual TLS; for a local experiment without TLS, set tls: false and insecure: true instead (docs/federation.md)."),
        [(PlanBinder.NetworkSection, "use_tls")] = (true, "Confer always uses mutual TLS; for a local experiment without TLS, set tls: false and insecure: true instead (docs/federation.md)."),
    };

    /// <summary>Keys with a Confer equivalent elsewhere in the plan: where it is.</summary>
    private static readonly Dictionary<string, string> Elsewhere = new(StringComparer.Ordinal)
    {
        ["epochs_per_round"] = "Confer sets the local epochs per task: tasks.train.kwargs.epochs (e.g. epochs: 1).",
    };

    /// <summary>
    /// For a name that is a Python class path (OpenFL's <c>src.taskrunner.PyTorchCNN</c>, or one of
    /// OpenFL's own classes Confer has no equivalent of): what to do in Confer; empty otherwise.
    /// </summary>
    public static string PythonHint(PlanComponentKind kind, string name)
    {
        if (!name.Contains('.', StringComparison.Ordinal))
        {
            return string.Empty;
        }

        if (name.StartsWith("openfl.", StringComparison.Ordinal))
        {
            return $" '{name}' is OpenFL's own class, which Confer has no equivalent of; docs/migrating-from-openfl.md lists what Confer offers for each plan section.";
        }

        return kind is PlanComponentKind.TaskRunner or PlanComponentKind.DataLoader
            ? $" If '{name}' is OpenFL Python code, write its {PlanTypeRegistry.Describe(kind)} in C# in the workspace's code/ project and name its type here (docs/workspace-code.md; docs/migrating-from-openfl.md shows a PyTorchTaskRunner beside its Confer task runner)."
            : string.Empty;
    }

    /// <summary>Whether <c>network.settings.agg_port</c> was <c>auto</c> (derived from the plan hash, as OpenFL does).</summary>
    public bool AggregatorPortAuto { get; private set; }

    /// <summary>Each task's <c>aggregation_type</c>: its template and where it was written.</summary>
    public List<(string Task, string Template, SourceLocation Location)> AggregationTypes { get; } = [];

    /// <summary>Reads OpenFL's keys out of one section (its defaults already merged).</summary>
    public PlanMapNode Rewrite(string section, PlanMapNode map)
    {
        if (SectionClasses.TryGetValue(section, out var classes))
        {
            map = DropSectionTemplate(section, map, classes);
        }

        if (section == PlanBinder.TasksSection)
        {
            return RewriteTasks(map);
        }

        if (!map.TryGet(Settings, out var settingsEntry) || settingsEntry.Value is not PlanMapNode settings)
        {
            return map;
        }

        var kept = ImmutableArray.CreateBuilder<PlanMapEntry>();
        foreach (var entry in settings.Entries)
        {
            if (!Read(section, entry))
            {
                kept.Add(entry);
            }
        }

        return kept.Count == settings.Entries.Length
            ? map
            : Replace(map, Settings, new PlanMapNode(settings.Location, kept.ToImmutable()));
    }

    private PlanMapNode DropSectionTemplate(string section, PlanMapNode map, string[] classes)
    {
        if (!map.TryGet(Template, out var template))
        {
            return map;
        }

        string written = template.Value is PlanScalarNode { IsNull: false } scalar ? scalar.Text : string.Empty;
        if (classes.Contains(written, StringComparer.Ordinal))
        {
            return map.Without(Template);
        }

        var message = section == PlanBinder.CompressionPipelineSection && written.StartsWith("openfl.pipelines.", StringComparison.Ordinal)
            ? $"'{section}.{Template}: {written}' compresses updates. {NoCompression}"
            : $"The '{section}' section is built into Confer; its template can only be OpenFL's {classes[0]} (the same thing here), not '{written}'. Remove the template.";
        problems.Add(template.Value.Location, message);
        return map.Without(Template);
    }

    // True when the entry is OpenFL's and was read here (dropped, warned about or refused).
    private bool Read(string section, PlanMapEntry entry)
    {
        var path = $"{section}.{Settings}.{entry.Key}";
        if (NoEffect.TryGetValue((section, entry.Key), out var reason))
        {
            problems.Warn(entry.KeyLocation, $"'{path}' has no effect: {reason}");
            return true;
        }

        if (FixedBehaviour.TryGetValue((section, entry.Key), out var fixedBehaviour))
        {
            if (entry.Value is not PlanScalarNode { Resolved: PlanValueKind.Boolean } flag)
            {
                problems.Add(entry.Value.Location, $"'{path}' must be true or false, not {entry.Value.KindName}.");
            }
            else if (flag.BooleanValue != fixedBehaviour.Agrees)
            {
                problems.Add(entry.Value.Location, $"'{path}: {flag.Text}' cannot be honoured: {fixedBehaviour.Instead}");
            }

            return true;
        }

        if (Elsewhere.TryGetValue(entry.Key, out var equivalent))
        {
            problems.Add(entry.KeyLocation, $"'{path}' is OpenFL's; {equivalent}");
            return true;
        }

        if (section == PlanBinder.NetworkSection && entry.Key == "agg_port" && entry.Value is PlanScalarNode { Text: "auto" or "AUTO" or "Auto" })
        {
            // As OpenFL: a port derived from the plan hash (PlanLoader), written back as 'auto' in the canonical form.
            AggregatorPortAuto = true;
            return true;
        }

        return false;
    }

    private PlanMapNode RewriteTasks(PlanMapNode map)
    {
        var kept = ImmutableArray.CreateBuilder<PlanMapEntry>();
        foreach (var entry in map.Entries)
        {
            if (entry.Key == Settings)
            {
                // OpenFL reserves tasks.settings (usually {}); Confer has no settings for the tasks section as a whole.
                if (entry.Value is PlanMapNode { Entries.Length: > 0 } settings)
                {
                    problems.Warn(entry.KeyLocation, $"'tasks.settings' has no effect: Confer has no settings for the tasks as a whole (each task has its kwargs); ignored keys: {string.Join(", ", settings.Entries.Select(e => e.Key))}.");
                }
                else if (entry.Value is not PlanMapNode and not PlanScalarNode { IsNull: true })
                {
                    problems.Add(entry.Value.Location, $"'tasks.settings' is reserved (as in OpenFL) and must be a mapping, usually {{}}; a task cannot be called 'settings'.");
                }

                continue;
            }

            kept.Add(entry.Value is PlanMapNode task && task.TryGet(AggregationType, out var aggregation)
                ? entry with { Value = ReadAggregationType(entry.Key, task, aggregation) }
                : entry);
        }

        return new PlanMapNode(map.Location, kept.ToImmutable());
    }

    private PlanMapNode ReadAggregationType(string task, PlanMapNode map, PlanMapEntry aggregation)
    {
        var path = $"tasks.{task}.{AggregationType}";
        switch (aggregation.Value)
        {
            case PlanScalarNode { IsNull: false } scalar:
                AggregationTypes.Add((task, scalar.Text, scalar.Location));
                break;
            case PlanMapNode node when node.TryGet(Template, out var template) && template.Value is PlanScalarNode { IsNull: false } name:
                AggregationTypes.Add((task, name.Text, name.Location));
                if (node.TryGet(Settings, out var settings) && settings.Value is PlanMapNode { Entries.Length: > 0 })
                {
                    problems.Add(settings.KeyLocation, $"'{path}.settings': Confer takes a strategy's settings in the plan's 'strategy' section; move them to strategy.settings under Confer's names (for the adaptive aggregations: eta, beta_1, beta_2, tau; docs/migrating-from-openfl.md).");
                }

                foreach (var other in node.Entries.Where(e => e.Key is not Template and not Settings))
                {
                    problems.Add(other.KeyLocation, $"'{path}.{other.Key}' is not a key of an aggregation type; it has 'template' and 'settings'.");
                }

                break;
            default:
                problems.Add(aggregation.Value.Location, $"'{path}' must name an aggregation function ('template: openfl.interface.aggregation_functions.WeightedAverage'), not {aggregation.Value.KindName}.");
                break;
        }

        return map.Without(AggregationType);
    }

    private static PlanMapNode Replace(PlanMapNode map, string key, PlanNode value) =>
        new(map.Location, [.. map.Entries.Select(e => e.Key == key ? e with { Value = value } : e)]);
}
