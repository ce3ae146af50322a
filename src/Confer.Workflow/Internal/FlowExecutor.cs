using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Confer.Workflow.Internal;

/// <summary>
/// Runs one flow on a <see cref="LocalRuntime"/>: aggregator steps on the caller's flow instance,
/// each collaborator of a foreach on its own instance built from encoded state, joins on the
/// aggregator with the collaborators' copies in name order. One executor per run.
/// </summary>
internal sealed class FlowExecutor
{
    private const string Completed = "completed";
    private const string Failed = "failed";

    private readonly LocalRuntime _runtime;
    private readonly FlowDefinition _definition;
    private readonly LocalRuntimeOptions _options;
    private readonly CodecRegistry _codecs;
    private readonly bool _checkpoint;
    private readonly Dictionary<Participant, (StateProperty Property, object? Value)[]> _privates = [];
    private readonly ConcurrentDictionary<StateProperty, AttributeCodec?> _codecByAttribute = new();
    private readonly List<EgressRecord> _egress = [];
    private readonly ResourcePool _pool;
    private RunStoreWriter? _writer;
    private long _runId;
    private int _taskCount;

    public FlowExecutor(LocalRuntime runtime, FlowDefinition definition, bool checkpoint)
    {
        _runtime = runtime;
        _definition = definition;
        _options = runtime.Options;
        _codecs = _options.Codecs ?? CodecRegistry.CreateDefault();
        _checkpoint = checkpoint;
        _pool = new ResourcePool(_options.Cpus, _options.Gpus);
    }

    public async Task<FlowRunResult> RunAsync(Flow flow, CancellationToken cancellationToken)
    {
        BindPrivateAttributes();
        CheckResourceHints();
        string directory = _options.RunStoreDirectory ?? RunStore.DefaultDirectory;
        using RunStoreWriter writer = RunStoreWriter.Open(directory);
        _writer = writer;
        _runId = writer.BeginRun(_definition.Name, _definition.Graph, _runtime.Backend, _checkpoint, _runtime.Collaborators, _options.TimeProvider.GetUtcNow());
        if (_checkpoint)
        {
            TaskConsole.EnsureInstalled();
        }

        try
        {
            await RunStepsAsync(flow, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            writer.EndRun(_runId, e is OperationCanceledException ? "cancelled" : Failed, e.Message, _options.TimeProvider.GetUtcNow(), _egress);
            throw;
        }

        writer.EndRun(_runId, Completed, null, _options.TimeProvider.GetUtcNow(), _egress);
        return new FlowRunResult(_runId, _definition.Name, writer.Directory, _taskCount, _egress.ToArray());
    }

    private async Task RunStepsAsync(Flow aggregatorFlow, CancellationToken cancellationToken)
    {
        Aggregator aggregator = _runtime.AggregatorParticipant;
        StepDefinition step = _definition.Start;
        Array? joinInputs = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TaskOutcome outcome = RunTask(step, aggregatorFlow, aggregator, joinInputs);
            joinInputs = null;
            ThrowIfFailed(outcome);
            if (step == _definition.End)
            {
                if (outcome.Next is not null)
                {
                    throw Fail(outcome, $"Step 'End' called Next({outcome.Next.Method.Name}); End concludes the flow and calls no Next.");
                }

                Record(outcome, null, _checkpoint ? EncodeAll(aggregatorFlow) : []);
                return;
            }

            Transition transition = Resolve(outcome);
            if (transition.Target.Placement == Placement.Aggregator)
            {
                Record(outcome, transition.Target, CarryWithinParticipant(outcome, aggregatorFlow, transition));
                step = transition.Target;
                continue;
            }

            IReadOnlyList<string> collaborators = ResolveForeach(outcome, aggregatorFlow, transition);
            EncodedValue[] payload = Encode(outcome.Step, transition.Target, aggregatorFlow, transition.Carried);
            Record(outcome, transition.Target, payload);
            foreach (string collaborator in collaborators)
            {
                AddEgress(outcome.Step, transition.Target, aggregator.Name, collaborator, payload);
            }

            ChainResult[] results = await RunForeachAsync(collaborators, transition.Target, payload, cancellationToken).ConfigureAwait(false);
            StepDefinition join = results[0].Join;
            if (results.Any(r => r.Join != join))
            {
                string arrivals = string.Join("; ", results.GroupBy(r => r.Join.Name).Select(g => $"{g.Key} ({string.Join(", ", g.Select(r => r.Collaborator))})"));
                throw new FlowException($"The collaborators of the foreach from '{outcome.Step.Name}' reached different joins: {arrivals}; every collaborator of one foreach must end at the same join.")
                {
                    Step = outcome.Step.Name,
                };
            }

            ChainResult[] ordered = [.. results.OrderBy(r => r.Collaborator, StringComparer.Ordinal)];
            joinInputs = Array.CreateInstance(join.JoinElementType!, ordered.Length);
            for (int i = 0; i < ordered.Length; i++)
            {
                AddEgress(ordered[i].LastStep, join, ordered[i].Collaborator, aggregator.Name, ordered[i].Payload);
                joinInputs.SetValue(CreateInstance(ordered[i].Collaborator, ordered[i].Payload), i);
            }

            step = join;
        }
    }

    private async Task<ChainResult[]> RunForeachAsync(IReadOnlyList<string> collaborators, StepDefinition first, EncodedValue[] payload, CancellationToken cancellationToken)
    {
        var results = new ChainResult[collaborators.Count];
        if (_runtime.Backend == LocalRuntimeBackend.Sequential || collaborators.Count == 1)
        {
            for (int i = 0; i < collaborators.Count; i++)
            {
                results[i] = await RunChainAsync(collaborators[i], first, payload, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failures = new ConcurrentDictionary<int, Exception>();
        int next = -1;
        var workers = new Task[Math.Min(Math.Max(1, _options.MaxParallelism), collaborators.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < collaborators.Count && !stop.IsCancellationRequested)
                    {
                        try
                        {
                            results[i] = await RunChainAsync(collaborators[i], first, payload, stop.Token).ConfigureAwait(false);
                        }
                        catch (Exception e)
                        {
                            failures[i] = e;
                            await stop.CancelAsync().ConfigureAwait(false);
                        }
                    }
                },
                CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty)
        {
            // The first real failure in foreach order, not the cancellations it caused in the others.
            Exception chosen = failures.OrderBy(f => f.Value is OperationCanceledException ? 1 : 0).ThenBy(f => f.Key).First().Value;
            ExceptionDispatchInfo.Capture(chosen).Throw();
        }

        return results;
    }

    private async Task<ChainResult> RunChainAsync(string name, StepDefinition first, EncodedValue[] payload, CancellationToken cancellationToken)
    {
        Collaborator participant = _runtime.CollaboratorParticipants[name];
        Flow instance = CreateInstance(name, payload);
        StepDefinition step = first;
        bool parallel = _runtime.Backend == LocalRuntimeBackend.Parallel;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (parallel)
            {
                await _pool.AcquireAsync(step.Cpus, step.Gpus, cancellationToken).ConfigureAwait(false);
            }

            TaskOutcome outcome;
            try
            {
                outcome = RunTask(step, instance, participant, null);
            }
            finally
            {
                if (parallel)
                {
                    _pool.Release(step.Cpus, step.Gpus);
                }
            }

            ThrowIfFailed(outcome);
            Transition transition = Resolve(outcome);
            if (transition.Target.Placement == Placement.Collaborator)
            {
                Record(outcome, transition.Target, CarryWithinParticipant(outcome, instance, transition));
                step = transition.Target;
                continue;
            }

            EncodedValue[] sent = Encode(step, transition.Target, instance, transition.Carried);
            Record(outcome, transition.Target, sent);
            return new ChainResult(name, step, transition.Target, sent);
        }
    }

    private TaskOutcome RunTask(StepDefinition step, Flow instance, Participant participant, Array? joinInputs)
    {
        long id = Interlocked.Increment(ref _taskCount);
        var scope = new TaskScope(step, participant);
        TaskOutput? output = _checkpoint ? new TaskOutput(_options.EchoTaskOutput) : null;
        DateTimeOffset started = _options.TimeProvider.GetUtcNow();
        (StateProperty Property, object? Value)[] privates = _privates[participant];
        foreach ((StateProperty property, object? value) in privates)
        {
            property.Set(instance, value);
        }

        instance.Scope = scope;
        TaskOutput? previous = TaskConsole.Current;
        if (output is not null)
        {
            TaskConsole.Current = output;
        }

        Exception? failure = null;
        try
        {
            if (joinInputs is null)
            {
                step.Invoke(instance);
            }
            else
            {
                step.InvokeJoin(instance, joinInputs);
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            failure = e.InnerException;
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            if (output is not null)
            {
                TaskConsole.Current = previous;
            }

            instance.Scope = null;

            // Private attributes exist only while their participant's task runs.
            foreach (StateProperty property in _definition.Privates)
            {
                property.Reset(instance);
            }
        }

        return new TaskOutcome(id, step, participant, instance.Input, started, _options.TimeProvider.GetUtcNow(), scope.Next, failure, output);
    }

    private void ThrowIfFailed(TaskOutcome outcome)
    {
        if (outcome.Failure is null)
        {
            return;
        }

        Record(outcome, null, [], Failed, outcome.Failure.Message);
        if (outcome.Failure is FlowException)
        {
            ExceptionDispatchInfo.Capture(outcome.Failure).Throw();
        }

        throw new FlowException($"Step '{outcome.Step.Name}' failed on {outcome.Participant}: {outcome.Failure.Message}", outcome.Failure)
        {
            Step = outcome.Step.Name,
            Participant = outcome.Participant.Name,
        };
    }

    private FlowException Fail(TaskOutcome outcome, string message)
    {
        Record(outcome, null, [], Failed, message);
        return new FlowException(message) { Step = outcome.Step.Name, Participant = outcome.Participant.Name };
    }

    private Transition Resolve(TaskOutcome outcome)
    {
        StepDefinition step = outcome.Step;
        PendingNext next = outcome.Next
            ?? throw Fail(outcome, $"Step '{step.Name}' on {outcome.Participant} ended without calling Next; every step except End ends with Next(...).");
        StepDefinition target = _definition.FindStep(next.Method)
            ?? throw Fail(outcome, $"Step '{step.Name}' calls Next({next.Method.Name}), but '{next.Method.Name}' is not a step; mark it [Aggregator] or [Collaborator].");
        if (next.Include is not null && next.Exclude is not null)
        {
            throw Fail(outcome, $"Step '{step.Name}' gives Next({target.Name}) both include and exclude; give one of them.");
        }

        foreach (string name in (IEnumerable<string>?)next.Include ?? next.Exclude ?? [])
        {
            if (_definition.PrivateByName.ContainsKey(name))
            {
                if (next.Include is not null)
                {
                    throw Fail(outcome, $"Step '{step.Name}' includes '{name}' in Next({target.Name}), but '{name}' is a [Private] attribute: it never leaves its participant, so it cannot be included.");
                }

                continue;
            }

            if (!_definition.StateByName.ContainsKey(name))
            {
                throw Fail(outcome, $"Step '{step.Name}' names '{name}' in Next({target.Name}), which is not an attribute of {_definition.Name} (attributes: {string.Join(", ", _definition.State.Select(s => s.Name))}).");
            }
        }

        IReadOnlyList<StateProperty> carried = next.Include is { } include
            ? [.. _definition.State.Where(s => include.Contains(s.Name, StringComparer.Ordinal))]
            : next.Exclude is { } exclude
                ? [.. _definition.State.Where(s => !exclude.Contains(s.Name, StringComparer.Ordinal))]
                : _definition.State;

        if (step.Placement == Placement.Aggregator)
        {
            if (target.Placement == Placement.Collaborator && next.Foreach is null)
            {
                throw Fail(outcome, $"Step '{step.Name}' goes to collaborator step '{target.Name}' without a foreach; name the collaborators, e.g. Next({target.Name}, @foreach: nameof(Collaborators)).");
            }

            if (target.Placement == Placement.Aggregator && next.Foreach is not null)
            {
                throw Fail(outcome, $"Step '{step.Name}' gives a foreach to Next({target.Name}), but '{target.Name}' runs on the aggregator; a foreach fans out to a collaborator step.");
            }

            if (target.IsJoin)
            {
                throw Fail(outcome, $"Step '{step.Name}' goes to join '{target.Name}' from the aggregator; a join is reached by Next({target.Name}) from the collaborator steps of a foreach.");
            }
        }
        else
        {
            if (next.Foreach is not null)
            {
                throw Fail(outcome, $"Collaborator step '{step.Name}' starts a foreach; only aggregator steps fan out to collaborators.");
            }

            if (target.Placement == Placement.Aggregator && !target.IsJoin)
            {
                throw Fail(outcome, $"Collaborator step '{step.Name}' goes to aggregator step '{target.Name}', which is not a join; collaborators return to the aggregator through a join.");
            }
        }

        return new Transition(target, next.Foreach, carried);
    }

    private IReadOnlyList<string> ResolveForeach(TaskOutcome outcome, Flow flow, Transition transition)
    {
        string name = transition.Foreach!;
        string step = outcome.Step.Name;
        if (!_definition.StateByName.TryGetValue(name, out StateProperty? property))
        {
            throw Fail(outcome, $"Step '{step}' fans out over '{name}', which is not an attribute of {_definition.Name}; name a property holding collaborator names, e.g. @foreach: nameof(Collaborators).");
        }

        if (!typeof(IEnumerable<string>).IsAssignableFrom(property.Type))
        {
            throw Fail(outcome, $"Step '{step}' fans out over '{name}', which is a {RunStoreWriter.TypeName(property.Type)}, not a collection of collaborator names (IEnumerable<string>).");
        }

        var names = ((IEnumerable<string>?)property.Get(flow))?.ToArray()
            ?? throw Fail(outcome, $"Step '{step}' fans out over '{name}', which is null; set it first, e.g. {name} = Runtime.Collaborators.");
        if (names.Length == 0)
        {
            throw Fail(outcome, $"Step '{step}' fans out over '{name}', which is empty; a foreach needs at least one collaborator.");
        }

        string[] unknown = [.. names.Where(n => n is null || !_runtime.CollaboratorParticipants.ContainsKey(n)).Distinct()];
        if (unknown.Length > 0)
        {
            throw Fail(outcome, $"Step '{step}' fans out over '{name}', which holds {string.Join(", ", unknown.Select(u => $"'{u}'"))}: not collaborators of this runtime ({string.Join(", ", _runtime.Collaborators)}).");
        }

        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw Fail(outcome, $"Step '{step}' fans out over '{name}', which names '{duplicate}' twice; each collaborator appears once in a foreach.");
        }

        return names;
    }

    /// <summary>A transition within one participant: nothing crosses, but what is not carried is cleared, and codecs must still exist.</summary>
    private IReadOnlyList<EncodedValue> CarryWithinParticipant(TaskOutcome outcome, Flow instance, Transition transition)
    {
        IReadOnlyList<EncodedValue> artifacts = _checkpoint ? Encode(outcome.Step, transition.Target, instance, transition.Carried) : RequireCodecs(outcome.Step, transition.Target, transition.Carried);
        if (transition.Carried.Count != _definition.State.Count)
        {
            foreach (StateProperty property in _definition.State)
            {
                if (!transition.Carried.Contains(property))
                {
                    property.Reset(instance);
                }
            }
        }

        return artifacts;
    }

    private EncodedValue[] RequireCodecs(StepDefinition from, StepDefinition to, IReadOnlyList<StateProperty> carried)
    {
        foreach (StateProperty property in carried)
        {
            CodecFor(property, from, to);
        }

        return [];
    }

    private EncodedValue[] Encode(StepDefinition from, StepDefinition to, Flow instance, IReadOnlyList<StateProperty> carried)
    {
        var encoded = new EncodedValue[carried.Count];
        for (int i = 0; i < carried.Count; i++)
        {
            StateProperty property = carried[i];
            AttributeCodec codec = CodecFor(property, from, to);
            object? value = property.Get(instance);
            encoded[i] = value is null ? new EncodedValue(property, null, []) : new EncodedValue(property, codec, codec.Encode(value, property.Type));
        }

        return encoded;
    }

    private EncodedValue[] EncodeAll(Flow instance) =>
        [.. _definition.State
            .Select(p => (Property: p, Codec: _codecByAttribute.GetOrAdd(p, q => _codecs.Find(q.Type))))
            .Where(x => x.Codec is not null)
            .Select(x => x.Property.Get(instance) is { } value
                ? new EncodedValue(x.Property, x.Codec, x.Codec!.Encode(value, x.Property.Type))
                : new EncodedValue(x.Property, null, []))];

    private AttributeCodec CodecFor(StateProperty property, StepDefinition from, StepDefinition to) =>
        _codecByAttribute.GetOrAdd(property, p => _codecs.Find(p.Type))
        ?? throw new MissingCodecException(
            $"Step '{from.Name}' cannot carry attribute '{property.Name}' ({RunStoreWriter.TypeName(property.Type)}) to '{to.Name}': no codec is registered for {RunStoreWriter.TypeName(property.Type)}. " +
            $"Exclude it (Next({to.Name}, exclude: [nameof({property.Name})])), make it a [Private] attribute if it belongs to one participant, or register a codec in LocalRuntimeOptions.Codecs.")
        {
            Step = from.Name,
            Attribute = property.Name,
            AttributeType = property.Type,
        };

    private Flow CreateInstance(string collaborator, EncodedValue[] payload)
    {
        // No constructor runs: a collaborator's copy holds exactly what was carried, and defaults elsewhere.
        var instance = (Flow)RuntimeHelpers.GetUninitializedObject(_definition.FlowType);
        instance.Runtime = _runtime;
        instance.Checkpoint = _checkpoint;
        instance.Input = collaborator;
        foreach (EncodedValue value in payload)
        {
            value.Attribute.Set(instance, value.Decode());
        }

        return instance;
    }

    private void AddEgress(StepDefinition from, StepDefinition to, string sender, string receiver, EncodedValue[] payload)
    {
        lock (_egress)
        {
            foreach (EncodedValue value in payload)
            {
                _egress.Add(new EgressRecord(_egress.Count, from.Name, to.Name, sender, receiver, value.Attribute.Name, value.Codec, value.Bytes.LongLength, value.Sha256));
            }
        }
    }

    private void Record(TaskOutcome outcome, StepDefinition? next, IReadOnlyList<EncodedValue> artifacts, string status = Completed, string? error = null)
    {
        if (!_checkpoint)
        {
            return;
        }

        _writer!.RecordTask(_runId, new TaskRecord(
            outcome.Id,
            outcome.Step.Name,
            outcome.Participant.Name,
            outcome.Input,
            outcome.StartedAt,
            outcome.EndedAt,
            status,
            error,
            next?.Name,
            outcome.Output?.Stdout ?? string.Empty,
            outcome.Output?.Stderr ?? string.Empty,
            artifacts));
    }

    private void BindPrivateAttributes()
    {
        foreach (Participant participant in _runtime.Participants)
        {
            var bindings = new List<(StateProperty, object?)>();
            foreach (KeyValuePair<string, object?> entry in participant.ResolvePrivateAttributes().OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (!_definition.PrivateByName.TryGetValue(entry.Key, out StateProperty? property))
                {
                    string known = _definition.Privates.Count == 0 ? "it has none" : $"it has {string.Join(", ", _definition.Privates.Select(p => p.Name))}";
                    throw new FlowException($"{participant} has private attribute '{entry.Key}', but {_definition.Name} has no [Private] property of that name ({known}); private attributes bind to [Private] properties by name.")
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

            _privates[participant] = [.. bindings];
        }
    }

    private void CheckResourceHints()
    {
        if (_runtime.Backend != LocalRuntimeBackend.Parallel)
        {
            return;
        }

        foreach (StepDefinition step in _definition.Steps)
        {
            if (step.Cpus > _options.Cpus || step.Gpus > _options.Gpus)
            {
                throw new FlowException($"Step '{step.Name}' asks for {step.Cpus} CPUs and {step.Gpus} GPUs per task, but the runtime has {_options.Cpus} CPUs and {_options.Gpus} GPUs (LocalRuntimeOptions.Cpus/Gpus); no task of it could ever start.")
                {
                    Step = step.Name,
                };
            }
        }
    }
}
