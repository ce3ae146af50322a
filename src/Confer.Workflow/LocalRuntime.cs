using System.Collections.ObjectModel;
using Confer.Workflow.Internal;

namespace Confer.Workflow;

/// <summary>
/// Runs flows in this process (OpenFL's <c>LocalRuntime</c>): one aggregator, named collaborators,
/// and a backend that runs collaborator tasks one at a time or concurrently. For a deterministic
/// flow both backends give the same result bit for bit: each collaborator works on its own copy,
/// and a join always sees the copies in collaborator name order.
/// </summary>
public sealed class LocalRuntime : FlowRuntime
{
    private readonly Collaborator[] _collaborators;

    /// <summary>Creates a runtime.</summary>
    /// <param name="aggregator">The aggregator and its private attributes.</param>
    /// <param name="collaborators">The collaborators and their private attributes; names must be unique.</param>
    /// <param name="backend">How collaborator tasks run. Default: <see cref="LocalRuntimeBackend.Sequential"/>.</param>
    /// <param name="options">Parallelism, resources, run store, codecs, clock. Default: <see cref="LocalRuntimeOptions"/>'s defaults.</param>
    public LocalRuntime(Aggregator aggregator, IEnumerable<Collaborator> collaborators, LocalRuntimeBackend backend = LocalRuntimeBackend.Sequential, LocalRuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        ArgumentNullException.ThrowIfNull(collaborators);
        _collaborators = collaborators.ToArray();
        var byName = new Dictionary<string, Collaborator>(StringComparer.Ordinal);
        foreach (Collaborator collaborator in _collaborators)
        {
            ArgumentNullException.ThrowIfNull(collaborator, nameof(collaborators));
            if (!byName.TryAdd(collaborator.Name, collaborator))
            {
                throw new ArgumentException($"Two collaborators are named '{collaborator.Name}'; collaborator names must be unique.", nameof(collaborators));
            }
        }

        if (byName.ContainsKey(aggregator.Name))
        {
            throw new ArgumentException($"The aggregator and a collaborator are both named '{aggregator.Name}'; participant names must be unique.", nameof(aggregator));
        }

        AggregatorParticipant = aggregator;
        CollaboratorParticipants = new ReadOnlyDictionary<string, Collaborator>(byName);
        Collaborators = Array.AsReadOnly(_collaborators.Select(c => c.Name).ToArray());
        Backend = backend;
        Options = options ?? new LocalRuntimeOptions();
        if (Options.MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxParallelism, "LocalRuntimeOptions.MaxParallelism must be at least 1.");
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Collaborators { get; }

    /// <summary>The backend collaborator tasks run on.</summary>
    public LocalRuntimeBackend Backend { get; }

    /// <summary>The runtime's settings.</summary>
    public LocalRuntimeOptions Options { get; }

    internal Aggregator AggregatorParticipant { get; }

    internal IReadOnlyDictionary<string, Collaborator> CollaboratorParticipants { get; }

    internal IEnumerable<Participant> Participants => _collaborators.Prepend<Participant>(AggregatorParticipant);

    /// <inheritdoc/>
    /// <exception cref="FlowValidationException">The flow is not valid (reported before any step runs).</exception>
    /// <exception cref="FlowException">A step failed or asked for something the runtime cannot do.</exception>
    public override Task<FlowRunResult> RunAsync(Flow flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        FlowDefinition definition = FlowDefinition.Get(flow.GetType());
        flow.Runtime ??= this;
        return new FlowExecutor(this, definition, flow.Checkpoint).RunAsync(flow, cancellationToken);
    }
}
