using System.Collections.Immutable;
using System.Globalization;

namespace Confer.Plan.Internal;

/// <summary>
/// Turns a parsed plan into the typed model and its canonical value, collecting every problem on
/// the way rather than stopping at the first: each section is checked on its own, then the
/// references between sections (assigner groups → tasks, static groups → cols.yaml).
/// </summary>
internal sealed class PlanBinder
{
    public const string AggregatorSection = "aggregator";
    public const string CollaboratorSection = "collaborator";
    public const string DataLoaderSection = "data_loader";
    public const string TaskRunnerSection = "task_runner";
    public const string NetworkSection = "network";
    public const string AssignerSection = "assigner";
    public const string TasksSection = "tasks";
    public const string StrategySection = "strategy";
    public const string StragglerPolicySection = "straggler_handling_policy";
    public const string CompressionPipelineSection = "compression_pipeline";

    private const string Settings = "settings";
    private const string Template = "template";
    private const string TypeAlias = "type";
    private const string Stages = "stages";
    private const string TaskGroups = "task_groups";
    private const double PercentageTolerance = 1e-9;

    /// <summary>The sections in the order <c>plan print</c> shows them.</summary>
    public static readonly ImmutableArray<string> SectionOrder =
        [AggregatorSection, CollaboratorSection, DataLoaderSection, TaskRunnerSection, NetworkSection, AssignerSection, TasksSection, StrategySection, StragglerPolicySection, CompressionPipelineSection];

    private static readonly ImmutableArray<string> RequiredSections = [AggregatorSection, DataLoaderSection, TaskRunnerSection, AssignerSection, TasksSection];

    private readonly PlanTypeRegistry _registry;
    private readonly ProblemCollector _problems;
    private readonly DefaultsResolver _defaults;
    private readonly ImmutableArray<string> _authorized;
    private readonly Dictionary<string, PlanMapNode> _sections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _sectionKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlanValue> _canonical = new(StringComparer.Ordinal);
    private SourceLocation _rootLocation;

    public PlanBinder(PlanTypeRegistry registry, PlanWorkspace workspace, ProblemCollector problems, ImmutableArray<string> authorized)
    {
        _registry = registry;
        _problems = problems;
        _authorized = authorized;
        _defaults = new DefaultsResolver(workspace, problems);
    }

    public sealed record Result(
        AggregatorSettings Aggregator,
        CollaboratorSettings Collaborator,
        DataLoaderPlan DataLoader,
        PlanComponent TaskRunner,
        NetworkSettings Network,
        AssignerPlan Assigner,
        ImmutableSortedDictionary<string, TaskPlan> Tasks,
        PlanComponent Strategy,
        StragglerPolicy StragglerPolicy,
        PlanValue Canonical);

    /// <summary>The bound plan, or <see langword="null"/> when any problem was found (they are in the collector).</summary>
    public Result? Bind(PlanMapNode root)
    {
        _rootLocation = root.Location;
        ReadSections(root);

        var aggregator = BindFixed(AggregatorSection, PlanSchemas.Aggregator);
        var collaborator = BindFixed(CollaboratorSection, PlanSchemas.Collaborator);
        var network = BindFixed(NetworkSection, PlanSchemas.Network);
        var dataLoader = BindComponent(DataLoaderSection, PlanComponentKind.DataLoader, null, PlanSchemas.DataLoaderCommon);
        var taskRunner = BindComponent(TaskRunnerSection, PlanComponentKind.TaskRunner, null, null);
        var tasks = BindTasks(taskRunner?.Registration);
        var assigner = BindComponent(AssignerSection, PlanComponentKind.Assigner, null, null);
        var strategy = BindComponent(StrategySection, PlanComponentKind.Strategy, BuiltInPlanTypes.FedAvg, null);
        var straggler = BindComponent(StragglerPolicySection, PlanComponentKind.StragglerPolicy, BuiltInPlanTypes.WaitForAll, null);
        var compression = BindCompression();

        if (aggregator is not null)
        {
            CheckWorkspacePaths(AggregatorSection, ["init_state_path", "best_state_path", "last_state_path"]);
        }

        if (network is not null)
        {
            CheckNetwork(network);
        }

        if (assigner is not null)
        {
            CheckAssigner(assigner.Registration, tasks?.Names ?? []);
        }

        if (strategy is not null && taskRunner is not null)
        {
            CheckClientSettings(strategy.Registration, taskRunner.Registration);
        }

        if (_problems.Count > 0 || aggregator is null || collaborator is null || network is null || dataLoader is null
            || taskRunner is null || tasks is null || assigner is null || strategy is null || straggler is null || !compression)
        {
            return null;
        }

        return new Result(
            ToAggregator(aggregator),
            ToCollaborator(collaborator),
            new DataLoaderPlan(
                dataLoader.Registration.Name,
                (int)dataLoader.Settings.GetInteger("batch_size"),
                dataLoader.Settings.TryGetValue("collaborator_count", out var count) ? (int)count.AsInteger() : null,
                dataLoader.Settings),
            new PlanComponent(taskRunner.Registration.Name, taskRunner.Settings),
            ToNetwork(network),
            ToAssigner(assigner),
            tasks.Plans,
            new PlanComponent(strategy.Registration.Name, strategy.Settings),
            ToStragglerPolicy(straggler),
            PlanValue.FromMap(_canonical));
    }

    private sealed record BoundComponent(PlanTypeRegistration Registration, PlanSettings Settings);

    private sealed record BoundTasks(ImmutableSortedDictionary<string, TaskPlan> Plans, ImmutableArray<string> Names);

    private void ReadSections(PlanMapNode root)
    {
        foreach (var entry in root.Entries)
        {
            if (!SectionOrder.Contains(entry.Key))
            {
                var hint = Suggestions.DidYouMean(entry.Key, SectionOrder).TrimStart();
                _problems.Add(entry.KeyLocation, $"Unknown section '{entry.Key}'. {(hint.Length > 0 ? hint + " " : string.Empty)}Sections: {string.Join(", ", SectionOrder)}.");
                continue;
            }

            _sectionKeys[entry.Key] = entry.KeyLocation;
            switch (entry.Value)
            {
                case PlanMapNode map:
                    _sections[entry.Key] = _defaults.Resolve(map, entry.Key);
                    break;
                case PlanScalarNode { IsNull: true }:
                    _sections[entry.Key] = new PlanMapNode(entry.KeyLocation, []);
                    break;
                default:
                    _problems.Add(entry.Value.Location, $"The section '{entry.Key}' must be a mapping, not {entry.Value.KindName}.");
                    break;
            }
        }

        foreach (var required in RequiredSections)
        {
            if (!_sections.ContainsKey(required) && !root.TryGet(required, out _))
            {
                var example = required == TasksSection ? "plan/defaults/tasks_torch.yaml" : $"plan/defaults/{required}.yaml";
                _problems.Add(_rootLocation, $"The plan has no '{required}' section; add it (it may name a defaults file: '{required}: {{defaults: {example}}}').");
            }
        }
    }

    private void CheckSectionKeys(PlanMapNode map, string section, IReadOnlyList<string> allowed)
    {
        foreach (var entry in map.Entries.Where(e => !allowed.Contains(e.Key)))
        {
            var message = entry.Key == Template
                ? $"The '{section}' section is built into Confer and takes no 'template'; remove it."
                : SettingsBinder.UnknownKey(entry.Key, section, allowed);
            _problems.Add(entry.KeyLocation, message);
        }
    }

    private PlanSettings? BindFixed(string section, SettingsSchema schema)
    {
        PlanSettings settings;
        if (!_sections.TryGetValue(section, out var map))
        {
            if (RequiredSections.Contains(section))
            {
                return null;
            }

            settings = SettingsBinder.Bind(null, schema, _rootLocation, $"{section}.{Settings}", _problems);
        }
        else
        {
            CheckSectionKeys(map, section, [Settings]);
            map.TryGet(Settings, out var entry);
            settings = SettingsBinder.Bind(entry?.Value, schema, entry?.KeyLocation ?? _sectionKeys[section], $"{section}.{Settings}", _problems);
        }

        _canonical[section] = Map((Settings, settings.ToValue()));
        return settings;
    }

    private BoundComponent? BindComponent(string section, PlanComponentKind kind, string? defaultTemplate, SettingsSchema? common)
    {
        if (!_sections.TryGetValue(section, out var map))
        {
            if (defaultTemplate is null)
            {
                return null;
            }

            map = new PlanMapNode(_rootLocation, []);
        }

        CheckSectionKeys(map, section, [Template, Settings, TypeAlias]);
        var bound = BindTemplate(map, section, _sectionKeys.GetValueOrDefault(section, _rootLocation), kind, defaultTemplate, common);
        if (bound is not null)
        {
            _canonical[section] = Map((Template, PlanValue.FromString(bound.Registration.Name)), (Settings, bound.Settings.ToValue()));
        }

        return bound;
    }

    private BoundComponent? BindTemplate(PlanMapNode map, string path, SourceLocation owner, PlanComponentKind kind, string? defaultTemplate, SettingsSchema? common)
    {
        map.TryGet(Template, out var template);
        if (map.TryGet(TypeAlias, out var type))
        {
            if (template is not null)
            {
                _problems.Add(type.KeyLocation, $"'{path}' names its {PlanTypeRegistry.Describe(kind)} twice, with 'template' and 'type'; keep 'template'.");
            }
            else
            {
                template = type;
            }
        }

        string name;
        SourceLocation nameLocation;
        if (template is null)
        {
            if (defaultTemplate is null)
            {
                _problems.Add(owner, $"'{path}' has no 'template' naming its {PlanTypeRegistry.Describe(kind)}. {Registered(kind)}");
                return null;
            }

            name = defaultTemplate;
            nameLocation = owner;
        }
        else if (template.Value is PlanScalarNode { IsNull: false } scalar)
        {
            name = scalar.Text;
            nameLocation = scalar.Location;
        }
        else
        {
            _problems.Add(template.Value.Location, $"'{path}.{template.Key}' must be a registered {PlanTypeRegistry.Describe(kind)} name, not {template.Value.KindName}.");
            return null;
        }

        if (!_registry.TryGet(kind, name, out var registration))
        {
            var hint = Suggestions.DidYouMean(name, _registry.GetNames(kind));
            _problems.Add(nameLocation, $"Unknown {PlanTypeRegistry.Describe(kind)} '{name}' in '{path}'.{hint} {Registered(kind)}");
            return null;
        }

        var schema = common is null ? registration.Settings : PlanSchemas.Combine(common, registration.Settings);
        map.TryGet(Settings, out var settingsEntry);
        var settings = SettingsBinder.Bind(settingsEntry?.Value, schema, settingsEntry?.KeyLocation ?? owner, $"{path}.{Settings}", _problems);
        return new BoundComponent(registration, settings);
    }

    private string Registered(PlanComponentKind kind)
    {
        var names = _registry.GetRegistrations(kind).Select(r => r.Name).ToList();
        var words = PlanTypeRegistry.Describe(kind);
        var plural = words.EndsWith('y') ? words[..^1] + "ies" : words + "s";
        return names.Count > 0
            ? $"Registered {plural}: {string.Join(", ", names)}."
            : $"No {plural} are registered: the workspace's assembly registers them through {nameof(IPlanTypeExporter)}.";
    }

    private BoundTasks? BindTasks(PlanTypeRegistration? runner)
    {
        if (!_sections.TryGetValue(TasksSection, out var map))
        {
            return null;
        }

        var names = map.Entries.Select(e => e.Key).ToImmutableArray();
        var plans = ImmutableSortedDictionary.CreateBuilder<string, TaskPlan>(StringComparer.Ordinal);
        var canonical = new Dictionary<string, PlanValue>(StringComparer.Ordinal);
        if (map.Entries.IsEmpty)
        {
            _problems.Add(_sectionKeys.GetValueOrDefault(TasksSection, map.Location), "'tasks' defines no task; define at least the tasks the assigner's groups run.");
        }

        foreach (var entry in map.Entries)
        {
            var path = $"{TasksSection}.{entry.Key}";
            if (entry.Value is not PlanMapNode task)
            {
                _problems.Add(entry.Value.Location, $"The task '{entry.Key}' must be a mapping with 'function' and 'kwargs', not {entry.Value.KindName}.");
                continue;
            }

            CheckSectionKeys(task, path, ["function", "kwargs"]);
            if (!task.TryGet("function", out var functionEntry))
            {
                _problems.Add(task.Location, $"The task '{entry.Key}' has no 'function' naming the task runner function that implements it.");
                continue;
            }

            if (functionEntry.Value is not PlanScalarNode { IsNull: false } function)
            {
                _problems.Add(functionEntry.Value.Location, $"'{path}.function' must be a function name, not {functionEntry.Value.KindName}.");
                continue;
            }

            if (runner is null)
            {
                // Without a known task runner there is no schema for the function or its kwargs.
                continue;
            }

            if (!runner.TaskFunctions.TryGetValue(function.Text, out var functionSchema))
            {
                var functions = runner.TaskFunctions.Keys.Order(StringComparer.Ordinal).ToList();
                var hint = Suggestions.DidYouMean(function.Text, functions);
                var list = functions.Count > 0 ? $"Its functions: {string.Join(", ", functions)}." : "It declares no task functions.";
                _problems.Add(function.Location, $"The task '{entry.Key}' names the function '{function.Text}', which the task runner '{runner.Name}' does not implement.{hint} {list}");
                continue;
            }

            task.TryGet("kwargs", out var kwargsEntry);
            var kwargs = SettingsBinder.Bind(kwargsEntry?.Value, PlanSchemas.Combine(PlanSchemas.TaskKwargsCommon, functionSchema), kwargsEntry?.KeyLocation ?? task.Location, $"{path}.kwargs", _problems);
            TaskApply? apply = kwargs.TryGetValue("apply", out var applyValue) && applyValue.Kind == PlanValueKind.String
                ? applyValue.AsString() == "local" ? TaskApply.Local : TaskApply.Global
                : null;
            var metrics = kwargs.TryGetValue("metrics", out var metricsValue) && metricsValue.Kind == PlanValueKind.List ? metricsValue.AsStringList() : [];
            plans[entry.Key] = new TaskPlan(entry.Key, function.Text, apply, metrics, kwargs);
            canonical[entry.Key] = Map(("function", PlanValue.FromString(function.Text)), ("kwargs", kwargs.ToValue()));
        }

        _canonical[TasksSection] = PlanValue.FromMap(canonical);
        return new BoundTasks(plans.ToImmutable(), names);
    }

    /// <summary>
    /// The compression pipeline must be empty: Confer does not compress updates yet, and a stage
    /// that nothing applies is refused rather than read and ignored.
    /// </summary>
    private bool BindCompression()
    {
        _canonical[CompressionPipelineSection] = Map((Stages, PlanValue.FromList([])));
        if (!_sections.TryGetValue(CompressionPipelineSection, out var map))
        {
            return true;
        }

        CheckSectionKeys(map, CompressionPipelineSection, [Stages]);
        if (map.TryGet(Stages, out var stagesEntry) && stagesEntry.Value is not PlanScalarNode { IsNull: true } && stagesEntry.Value is not PlanListNode { Items.IsEmpty: true })
        {
            _problems.Add(stagesEntry.Value.Location, $"'{CompressionPipelineSection}.{Stages}' lists compression stages, but Confer does not compress updates yet: nothing would apply them. Remove the stages (or the whole '{CompressionPipelineSection}' section); updates travel uncompressed.");
            return false;
        }

        return true;
    }

    private void CheckWorkspacePaths(string section, IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            if (FindSetting(section, key) is PlanScalarNode { IsNull: false } scalar && PlanWorkspace.Normalize(scalar.Text) is null)
            {
                _problems.Add(scalar.Location, $"'{section}.{Settings}.{key}' must be a path inside the workspace, relative to it, not '{scalar.Text}'.");
            }
        }
    }

    private void CheckNetwork(PlanSettings network)
    {
        CheckWorkspacePaths(NetworkSection, ["cert_folder"]);
        if (FindSetting(NetworkSection, "cert_folder") is PlanScalarNode { IsNull: false } certFolder
            && PlanWorkspace.Normalize(certFolder.Text) is { } folder && folder != "cert")
        {
            _problems.Add(certFolder.Location, $"'network.settings.cert_folder' is '{certFolder.Text}', but Confer keeps a workspace's certificates where its certify commands write them, under 'cert/' (cert/cert_chain.crt, cert/server/, cert/client/, cert/ca/); remove the key or set it to 'cert'.");
        }

        var tls = network.TryGetValue("tls", out var tlsValue) && tlsValue.AsBoolean();
        var insecure = network.TryGetValue("insecure", out var insecureValue) && insecureValue.AsBoolean();
        if (network.ContainsKey("tls") && !tls && !insecure)
        {
            var at = FindSetting(NetworkSection, "tls")?.Location ?? _sections[NetworkSection].Location;
            _problems.Add(at, "'network.settings.tls: false' would send models and results in plaintext; Confer allows that only for local experiments with 'insecure: true' set as well.");
        }

        if (tls && insecure)
        {
            var at = FindSetting(NetworkSection, "insecure")?.Location ?? _sections[NetworkSection].Location;
            _problems.Add(at, "'network.settings.insecure: true' only applies with 'tls: false'; with TLS on, remove it.");
        }

        if (network.TryGetValue("limits", out var limitsValue) && limitsValue.Kind == PlanValueKind.Map)
        {
            var limits = limitsValue.AsMap();
            if (limits.TryGetValue("chunk_size", out var chunk) && limits.TryGetValue("max_message_size", out var message) && chunk.AsInteger() > message.AsInteger())
            {
                var at = FindSetting(NetworkSection, "limits", "chunk_size")?.Location ?? FindSetting(NetworkSection, "limits")?.Location ?? _sections[NetworkSection].Location;
                _problems.Add(at, $"'network.settings.limits.chunk_size' ({chunk}) must not exceed 'max_message_size' ({message}): a chunk travels in one message.");
            }
        }
    }

    private void CheckAssigner(PlanTypeRegistration registration, ImmutableArray<string> taskNames)
    {
        if (FindSetting(AssignerSection, TaskGroups) is not PlanListNode groups)
        {
            return;
        }

        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        var staticMembers = new Dictionary<string, string>(StringComparer.Ordinal);
        var percentages = new List<(string Name, double Value)>();
        foreach (var item in groups.Items.OfType<PlanMapNode>())
        {
            var groupName = item.TryGet("name", out var nameEntry) && nameEntry.Value is PlanScalarNode { IsNull: false } nameNode ? nameNode.Text : "?";
            if (nameEntry is not null && !groupNames.Add(groupName))
            {
                _problems.Add(nameEntry.Value.Location, $"Two task groups are named '{groupName}'; give each its own name.");
            }

            if (item.TryGet("tasks", out var tasksEntry) && tasksEntry.Value is PlanListNode tasks)
            {
                foreach (var task in tasks.Items.OfType<PlanScalarNode>().Where(t => !t.IsNull && !taskNames.Contains(t.Text)))
                {
                    var hint = Suggestions.DidYouMean(task.Text, taskNames);
                    var defined = taskNames.IsEmpty ? "No task is defined." : $"Defined tasks: {string.Join(", ", taskNames)}.";
                    _problems.Add(task.Location, $"The task group '{groupName}' runs the task '{task.Text}', which 'tasks' does not define.{hint} {defined}");
                }
            }

            if (registration.Name == BuiltInPlanTypes.RandomGroupedAssigner
                && item.TryGet("percentage", out var percentageEntry)
                && percentageEntry.Value is PlanScalarNode { Resolved: PlanValueKind.Integer or PlanValueKind.Number } percentage)
            {
                percentages.Add((groupName, percentage.NumberValue));
            }

            if (registration.Name == BuiltInPlanTypes.StaticGroupedAssigner && item.TryGet("collaborators", out var membersEntry) && membersEntry.Value is PlanListNode members)
            {
                foreach (var member in members.Items)
                {
                    if (CollaboratorFiles.CheckName(member, "collaborator", _problems) is not { } name)
                    {
                        continue;
                    }

                    if (!staticMembers.TryAdd(name, groupName))
                    {
                        _problems.Add(member.Location, $"The collaborator '{name}' is in the task groups '{staticMembers[name]}' and '{groupName}'; a collaborator belongs to one group.");
                    }
                    else if (!_authorized.IsEmpty && !_authorized.Contains(name))
                    {
                        _problems.Add(member.Location, $"The task group '{groupName}' names the collaborator '{name}', which plan/cols.yaml does not authorize.{Suggestions.DidYouMean(name, _authorized)}");
                    }
                }
            }
        }

        if (registration.Name == BuiltInPlanTypes.RandomGroupedAssigner && percentages.Count == groups.Items.Length)
        {
            var sum = percentages.Sum(p => p.Value);
            if (Math.Abs(sum - 1.0) > PercentageTolerance)
            {
                var terms = string.Join(" + ", percentages.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Value:R}")));
                _problems.Add(groups.Location, string.Create(CultureInfo.InvariantCulture, $"The task groups' percentages must sum to 1.0, but {terms} = {sum:R}."));
            }
        }
    }

    /// <summary>A setting the strategy sends is refused when the task runner does not apply it: it would travel and be ignored.</summary>
    private void CheckClientSettings(PlanTypeRegistration strategy, PlanTypeRegistration runner)
    {
        var unapplied = strategy.ClientSettings.Where(k => !runner.ClientSettings.Contains(k, StringComparer.Ordinal)).ToList();
        if (unapplied.Count == 0)
        {
            return;
        }

        var at = _sections.TryGetValue(StrategySection, out var map) && map.TryGet(Template, out var template) ? template.Value.Location : _sectionKeys.GetValueOrDefault(StrategySection, _rootLocation);
        var keys = string.Join(", ", unapplied);
        var appliers = _registry.GetRegistrations(PlanComponentKind.TaskRunner).Where(r => unapplied.All(k => r.ClientSettings.Contains(k, StringComparer.Ordinal))).Select(r => r.Name).ToList();
        _problems.Add(at, $"The strategy '{strategy.Name}' sends {keys} to the collaborators, but the task runner '{runner.Name}' does not apply {(unapplied.Count == 1 ? "it" : "them")}: the setting would be sent and ignored. "
            + (appliers.Count > 0 ? $"Use a task runner that applies it ({string.Join(", ", appliers)}), or another strategy." : "Use another strategy, or a task runner that applies it."));
    }

    private PlanNode? FindSetting(string section, params string[] path)
    {
        if (!_sections.TryGetValue(section, out var map) || !map.TryGet(Settings, out var settings))
        {
            return null;
        }

        PlanNode node = settings.Value;
        foreach (var key in path)
        {
            if (node is not PlanMapNode nested || !nested.TryGet(key, out var entry))
            {
                return null;
            }

            node = entry.Value;
        }

        return node;
    }

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
            BuiltInPlanTypes.CutoffTime => new StragglerPolicy(StragglerPolicyKind.CutoffTime, TimeSpan.FromSeconds(policy.Settings.GetNumber("straggler_cutoff_time")), null, minimum),
            BuiltInPlanTypes.Percentage => new StragglerPolicy(StragglerPolicyKind.Percentage, null, policy.Settings.GetNumber("percent_collaborators_needed"), minimum),
            _ => Confer.Plan.StragglerPolicy.WaitForAll,
        };
    }

    private static PlanValue Map(params (string Key, PlanValue Value)[] entries) =>
        PlanValue.FromMap(entries.Select(e => new KeyValuePair<string, PlanValue>(e.Key, e.Value)));
}
