using System.Collections.Immutable;

namespace Confer.Plan.Internal;

/// <summary>
/// Turns a parsed plan into the typed model and its canonical value, collecting every problem on
/// the way rather than stopping at the first: each section is checked on its own, then the
/// references between sections (assigner groups → tasks, static groups → cols.yaml).
/// </summary>
internal sealed partial class PlanBinder
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
    private readonly OpenFlCompatibility _openFl;
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
        _openFl = new OpenFlCompatibility(problems);
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
        PlanValue Canonical,
        bool AggregatorPortAuto);

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
        var strategy = BindComponent(StrategySection, PlanComponentKind.Strategy, StrategyOfTasks(tasks) ?? BuiltInPlanTypes.FedAvg, null);
        var straggler = BindComponent(StragglerPolicySection, PlanComponentKind.StragglerPolicy, BuiltInPlanTypes.WaitForAll, null);
        var compression = BindCompression();
        if (straggler is { Registration.Name: BuiltInPlanTypes.CutoffTime } && !straggler.Settings.ContainsKey("straggler_cutoff_time"))
        {
            _problems.Warn(_sectionKeys.GetValueOrDefault(StragglerPolicySection, _rootLocation), "The CutoffTime straggler policy has no straggler_cutoff_time: as with OpenFL's default (np.inf) there is no cut-off, and every round waits for all its collaborators, as WaitForAll does.");
        }

        if (aggregator is not null)
        {
            CheckWorkspacePaths(AggregatorSection, ["init_state_path", "best_state_path", "last_state_path"]);
        }

        if (network is not null)
        {
            CheckNetwork(network);
            if (_openFl.AggregatorPortAuto)
            {
                // The canonical form keeps OpenFL's 'auto'; PlanLoader derives the port from the hash.
                _canonical[NetworkSection] = Map((Settings, PlanValue.FromMap(network.Select(s => s.Key == "agg_port" ? new KeyValuePair<string, PlanValue>(s.Key, PlanValue.FromString("auto")) : s))));
            }
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
            PlanValue.FromMap(_canonical),
            _openFl.AggregatorPortAuto);
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
                    _sections[entry.Key] = _openFl.Rewrite(entry.Key, _defaults.Resolve(map, entry.Key));
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

        PlanTypeRegistration? registration;
        try
        {
            if (!_registry.TryGet(kind, name, out registration))
            {
                var hint = Suggestions.DidYouMean(name, _registry.GetNames(kind));
                var elsewhere = _registry.Resolver is { } resolver ? " " + resolver.Describe() : string.Empty;
                _problems.Add(nameLocation, $"Unknown {PlanTypeRegistry.Describe(kind)} '{name}' in '{path}'.{hint} {Registered(kind)}{elsewhere}{OpenFlCompatibility.PythonHint(kind, name)}");
                return null;
            }
        }
        catch (PlanTypeResolutionException ex)
        {
            _problems.Add(nameLocation, $"'{path}.{Template}': {ex.Message}");
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
            : kind == PlanComponentKind.Strategy
                ? $"No {plural} are registered: the host adds its strategy registry to the plan registry (PlanTypeRegistry.Add(StrategyRegistry.Default))."
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

    private static PlanValue Map(params (string Key, PlanValue Value)[] entries) =>
        PlanValue.FromMap(entries.Select(e => new KeyValuePair<string, PlanValue>(e.Key, e.Value)));
}
