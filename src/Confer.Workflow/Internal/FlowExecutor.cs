using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Confer.Federation;
using Confer.Federation.Grid;
using Confer.Federation.Messages;

namespace Confer.Workflow.Internal;

/// <summary>
/// Runs one flow on a <see cref="LocalRuntime"/>: aggregator steps on the caller's flow instance;
/// each collaborator of a foreach behind the in-memory message grid, on its own instance built
/// from the encoded attributes its task message carries (<see cref="CollaboratorChains"/>); joins
/// on the aggregator with the collaborators' copies in name order. One executor per run.
/// </summary>
internal sealed class FlowExecutor
{
    private const string Completed = "completed";
    private const string Failed = "failed";

    private readonly LocalRuntime _runtime;
    private readonly FlowDefinition _definition;
    private readonly LocalRuntimeOptions _options;
    private readonly bool _checkpoint;
    private readonly AttributeEncoder _encoder;
    private Dictionary<Participant, (StateProperty Property, object? Value)[]> _privates = [];
    private readonly List<EgressRecord> _egress = [];
    private readonly ResourcePool _pool;
    private readonly FlowTransitions _transitions;
    private InMemoryGrid? _grid;
    private int _fanOuts;
    private RunStoreWriter? _writer;
    private long _runId;
    private int _taskCount;

    public FlowExecutor(LocalRuntime runtime, FlowDefinition definition, bool checkpoint)
    {
        _runtime = runtime;
        _definition = definition;
        _options = runtime.Options;
        _encoder = new AttributeEncoder(definition, _options.Codecs ?? CodecRegistry.CreateDefault());
        _checkpoint = checkpoint;
        _pool = new ResourcePool(_options.Cpus, _options.Gpus);
        _transitions = new FlowTransitions(definition, runtime, Fail);
    }

    public async Task<FlowRunResult> RunAsync(Flow flow, CancellationToken cancellationToken)
    {
        _privates = ParticipantSetup.BindPrivateAttributes(_runtime, _definition);
        ParticipantSetup.CheckResourceHints(_runtime, _definition);
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
        finally
        {
            if (_grid is not null)
            {
                // Tells the collaborators' chains still at work to stop, and waits until they have.
                await _grid.DisposeAsync().ConfigureAwait(false);
            }
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

                Record(outcome, null, _checkpoint ? _encoder.EncodeAll(aggregatorFlow) : []);
                return;
            }

            Transition transition = _transitions.Resolve(outcome);
            if (transition.Target.Placement == Placement.Aggregator)
            {
                Record(outcome, transition.Target, CarryWithinParticipant(outcome, aggregatorFlow, transition));
                step = transition.Target;
                continue;
            }

            IReadOnlyList<string> collaborators = _transitions.ResolveForeach(outcome, aggregatorFlow, transition);
            EncodedValue[] payload = _encoder.Encode(outcome.Step, transition.Target, aggregatorFlow, transition.Carried);
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

    /// <summary>
    /// A foreach: one task message per collaborator over the in-memory grid (at most
    /// <see cref="LocalRuntimeOptions.MaxParallelism"/> at once on the parallel backend, one at a
    /// time in foreach order on the sequential one). The first failure stops the others; the one
    /// reported is the first in foreach order.
    /// </summary>
    private async Task<ChainResult[]> RunForeachAsync(IReadOnlyList<string> collaborators, StepDefinition first, EncodedValue[] payload, CancellationToken cancellationToken)
    {
        InMemoryGrid grid = _grid ??= new InMemoryGrid(
            _runtime.Collaborators,
            node => new CollaboratorChains(this, node.NodeId),
            new InMemoryGridOptions { MaxParallel = _runtime.Backend == LocalRuntimeBackend.Sequential ? 1 : Math.Max(1, _options.MaxParallelism) });
        int fanOut = ++_fanOuts;
        ConfigRecord sent = PayloadRecord.ToConfig(payload);
        IReadOnlyList<string> ids = await grid.PushAsync([.. collaborators.Select(c => new Message { NodeId = c, Kind = first.Name, Round = fanOut, Config = sent })], cancellationToken).ConfigureAwait(false);
        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        var replies = new Dictionary<string, Message>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            foreach (Message reply in await grid.PullAsync(pending, cancellationToken).ConfigureAwait(false))
            {
                pending.Remove(reply.ReplyTo!);
                replies[reply.ReplyTo!] = reply;
                if (reply.Error is not null && pending.Count > 0)
                {
                    await grid.WithdrawAsync(pending, cancellationToken).ConfigureAwait(false);
                    pending.Clear();
                }
            }

            if (pending.Count > 0)
            {
                await grid.WaitAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (ids.Select(id => replies.GetValueOrDefault(id)?.Error).OfType<MessageError>().FirstOrDefault() is { } error)
        {
            ExceptionDispatchInfo.Capture(error.Exception ?? new FlowException(error.Text)).Throw();
        }

        var results = new ChainResult[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            ConfigRecord config = replies[ids[i]].Config;
            results[i] = new ChainResult(collaborators[i], Step(config.GetString(CollaboratorChains.LastStepKey, string.Empty)), Step(config.GetString(CollaboratorChains.JoinKey, string.Empty)), Decode(config));
        }

        return results;
    }

    /// <summary>The step of <paramref name="name"/>.</summary>
    internal StepDefinition Step(string name) =>
        _definition.Steps.FirstOrDefault(s => s.Name == name) ?? throw new FlowException($"{_definition.Name} has no step '{name}'.");

    /// <summary>The attributes a grid message carries.</summary>
    internal EncodedValue[] Decode(ConfigRecord config) =>
        PayloadRecord.FromConfig(config, _definition, _encoder.For);

    internal async Task<ChainResult> RunChainAsync(string name, StepDefinition first, EncodedValue[] payload, CancellationToken cancellationToken)
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
            Transition transition = _transitions.Resolve(outcome);
            if (transition.Target.Placement == Placement.Collaborator)
            {
                Record(outcome, transition.Target, CarryWithinParticipant(outcome, instance, transition));
                step = transition.Target;
                continue;
            }

            EncodedValue[] sent = _encoder.Encode(step, transition.Target, instance, transition.Carried);
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

    /// <summary>A transition within one participant: nothing crosses, but what is not carried is cleared, and codecs must still exist.</summary>
    private IReadOnlyList<EncodedValue> CarryWithinParticipant(TaskOutcome outcome, Flow instance, Transition transition)
    {
        IReadOnlyList<EncodedValue> artifacts = _checkpoint ? _encoder.Encode(outcome.Step, transition.Target, instance, transition.Carried) : _encoder.RequireCodecs(outcome.Step, transition.Target, transition.Carried);
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
}
