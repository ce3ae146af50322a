namespace Confer.Workflow.Internal;

/// <summary>
/// Where a step's <c>Next</c> leads, checked against the flow's rules: the target is a step,
/// include and exclude name attributes (never a private one), a foreach starts only from the
/// aggregator and names collaborators of the runtime, collaborators return through a join.
/// Every refusal names the step and what to write instead.
/// </summary>
internal sealed class FlowTransitions(FlowDefinition definition, LocalRuntime runtime, Func<TaskOutcome, string, FlowException> fail)
{
    public Transition Resolve(TaskOutcome outcome)
    {
        StepDefinition step = outcome.Step;
        PendingNext next = outcome.Next
            ?? throw fail(outcome, $"Step '{step.Name}' on {outcome.Participant} ended without calling Next; every step except End ends with Next(...).");
        StepDefinition target = definition.FindStep(next.Method)
            ?? throw fail(outcome, $"Step '{step.Name}' calls Next({next.Method.Name}), but '{next.Method.Name}' is not a step; mark it [Aggregator] or [Collaborator].");
        if (next.Include is not null && next.Exclude is not null)
        {
            throw fail(outcome, $"Step '{step.Name}' gives Next({target.Name}) both include and exclude; give one of them.");
        }

        foreach (string name in (IEnumerable<string>?)next.Include ?? next.Exclude ?? [])
        {
            if (definition.PrivateByName.ContainsKey(name))
            {
                if (next.Include is not null)
                {
                    throw fail(outcome, $"Step '{step.Name}' includes '{name}' in Next({target.Name}), but '{name}' is a [Private] attribute: it never leaves its participant, so it cannot be included.");
                }

                continue;
            }

            if (!definition.StateByName.ContainsKey(name))
            {
                throw fail(outcome, $"Step '{step.Name}' names '{name}' in Next({target.Name}), which is not an attribute of {definition.Name} (attributes: {string.Join(", ", definition.State.Select(s => s.Name))}).");
            }
        }

        IReadOnlyList<StateProperty> carried = next.Include is { } include
            ? [.. definition.State.Where(s => include.Contains(s.Name, StringComparer.Ordinal))]
            : next.Exclude is { } exclude
                ? [.. definition.State.Where(s => !exclude.Contains(s.Name, StringComparer.Ordinal))]
                : definition.State;

        if (step.Placement == Placement.Aggregator)
        {
            if (target.Placement == Placement.Collaborator && next.Foreach is null)
            {
                throw fail(outcome, $"Step '{step.Name}' goes to collaborator step '{target.Name}' without a foreach; name the collaborators, e.g. Next({target.Name}, @foreach: nameof(Collaborators)).");
            }

            if (target.Placement == Placement.Aggregator && next.Foreach is not null)
            {
                throw fail(outcome, $"Step '{step.Name}' gives a foreach to Next({target.Name}), but '{target.Name}' runs on the aggregator; a foreach fans out to a collaborator step.");
            }

            if (target.IsJoin)
            {
                throw fail(outcome, $"Step '{step.Name}' goes to join '{target.Name}' from the aggregator; a join is reached by Next({target.Name}) from the collaborator steps of a foreach.");
            }
        }
        else
        {
            if (next.Foreach is not null)
            {
                throw fail(outcome, $"Collaborator step '{step.Name}' starts a foreach; only aggregator steps fan out to collaborators.");
            }

            if (target.Placement == Placement.Aggregator && !target.IsJoin)
            {
                throw fail(outcome, $"Collaborator step '{step.Name}' goes to aggregator step '{target.Name}', which is not a join; collaborators return to the aggregator through a join.");
            }
        }

        return new Transition(target, next.Foreach, carried);
    }

    public IReadOnlyList<string> ResolveForeach(TaskOutcome outcome, Flow flow, Transition transition)
    {
        string name = transition.Foreach!;
        string step = outcome.Step.Name;
        if (!definition.StateByName.TryGetValue(name, out StateProperty? property))
        {
            throw fail(outcome, $"Step '{step}' fans out over '{name}', which is not an attribute of {definition.Name}; name a property holding collaborator names, e.g. @foreach: nameof(Collaborators).");
        }

        if (!typeof(IEnumerable<string>).IsAssignableFrom(property.Type))
        {
            throw fail(outcome, $"Step '{step}' fans out over '{name}', which is a {RunStoreWriter.TypeName(property.Type)}, not a collection of collaborator names (IEnumerable<string>).");
        }

        var names = ((IEnumerable<string>?)property.Get(flow))?.ToArray()
            ?? throw fail(outcome, $"Step '{step}' fans out over '{name}', which is null; set it first, e.g. {name} = Runtime.Collaborators.");
        if (names.Length == 0)
        {
            throw fail(outcome, $"Step '{step}' fans out over '{name}', which is empty; a foreach needs at least one collaborator.");
        }

        string[] unknown = [.. names.Where(n => n is null || !runtime.CollaboratorParticipants.ContainsKey(n)).Distinct()];
        if (unknown.Length > 0)
        {
            throw fail(outcome, $"Step '{step}' fans out over '{name}', which holds {string.Join(", ", unknown.Select(u => $"'{u}'"))}: not collaborators of this runtime ({string.Join(", ", runtime.Collaborators)}).");
        }

        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw fail(outcome, $"Step '{step}' fans out over '{name}', which names '{duplicate}' twice; each collaborator appears once in a foreach.");
        }

        return names;
    }
}
