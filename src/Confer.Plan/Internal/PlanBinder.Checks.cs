using System.Collections.Immutable;
using System.Globalization;

namespace Confer.Plan.Internal;

// The checks across a plan's settings and sections: compression (refused until it exists),
// workspace paths, the network, the assigner's groups, and the strategy's client settings
// against what the task runner applies. The binding itself is PlanBinder.cs.
internal sealed partial class PlanBinder
{
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
}
