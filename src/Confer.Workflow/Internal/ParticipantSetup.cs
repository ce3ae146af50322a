namespace Confer.Workflow.Internal;

/// <summary>What a run checks and binds before its first step: each participant's private attributes against the flow's [Private] properties, and the steps' resource hints against the runtime's.</summary>
internal static class ParticipantSetup
{
    public static Dictionary<Participant, (StateProperty Property, object? Value)[]> BindPrivateAttributes(LocalRuntime runtime, FlowDefinition definition)
    {
        var privates = new Dictionary<Participant, (StateProperty Property, object? Value)[]>();
        foreach (Participant participant in runtime.Participants)
        {
            var bindings = new List<(StateProperty, object?)>();
            foreach (KeyValuePair<string, object?> entry in participant.ResolvePrivateAttributes().OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!definition.PrivateByName.TryGetValue(entry.Key, out StateProperty? property))
                {
                    string known = definition.Privates.Count == 0 ? "it has none" : $"it has {string.Join(", ", definition.Privates.Select(p => p.Name))}";
                    throw new FlowException($"{participant} has private attribute '{entry.Key}', but {definition.Name} has no [Private] property of that name ({known}); private attributes bind to [Private] properties by name.")
                    {
                        Participant = participant.Name,
                    };
                }

                bool fits = entry.Value is null ? !property.Type.IsValueType || Nullable.GetUnderlyingType(property.Type) is not null : property.Type.IsInstanceOfType(entry.Value);
                if (!fits)
                {
                    throw new FlowException($"{participant} has private attribute '{entry.Key}' of type {entry.Value?.GetType().Name ?? "null"}, which does not fit [Private] property {property.Name} ({RunStoreWriter.TypeName(property.Type)}).")
                    {
                        Participant = participant.Name,
                    };
                }

                bindings.Add((property, entry.Value));
            }

            privates[participant] = [.. bindings];
        }

        return privates;
    }

    public static void CheckResourceHints(LocalRuntime runtime, FlowDefinition definition)
    {
        if (runtime.Backend != LocalRuntimeBackend.Parallel)
        {
            return;
        }

        foreach (StepDefinition step in definition.Steps)
        {
            if (step.Cpus > runtime.Options.Cpus || step.Gpus > runtime.Options.Gpus)
            {
                throw new FlowException($"Step '{step.Name}' asks for {step.Cpus} CPUs and {step.Gpus} GPUs per task, but the runtime has {runtime.Options.Cpus} CPUs and {runtime.Options.Gpus} GPUs (LocalRuntimeOptions.Cpus/Gpus); no task of it could ever start.")
                {
                    Step = step.Name,
                };
            }
        }
    }
}
