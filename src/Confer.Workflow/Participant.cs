namespace Confer.Workflow;

/// <summary>
/// A participant of a flow: the aggregator or a collaborator. Each holds its own private
/// attributes (data loaders, secrets, local models), which bind by name to the flow's
/// <see cref="PrivateAttribute"/> properties while a task runs on that participant.
/// </summary>
public abstract class Participant
{
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<string, object?>? _resolved;

    /// <summary>Initializes a participant.</summary>
    /// <param name="name">The participant's name.</param>
    protected Participant(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The participant's name; for a collaborator, the value a foreach iterates over.</summary>
    public string Name { get; }

    /// <summary>Private attributes given as objects, by attribute name. Empty by default.</summary>
    public IDictionary<string, object?> PrivateAttributes { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>
    /// Creates private attributes when they are first needed, once per participant (for objects that
    /// are expensive to build or should exist only while the flow runs). Its entries join
    /// <see cref="PrivateAttributes"/>; a name present in both is an error. Default: none.
    /// </summary>
    public Func<IReadOnlyDictionary<string, object?>>? PrivateAttributesFactory { get; init; }

    /// <summary>The participant's place in the flow.</summary>
    public abstract Placement Placement { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Placement} {Name}";

    /// <summary>The private attributes, calling the factory the first time only.</summary>
    internal IReadOnlyDictionary<string, object?> ResolvePrivateAttributes()
    {
        lock (_gate)
        {
            if (_resolved is not null)
            {
                return _resolved;
            }

            var all = new Dictionary<string, object?>(PrivateAttributes, StringComparer.Ordinal);
            if (PrivateAttributesFactory is not null)
            {
                IReadOnlyDictionary<string, object?> created = PrivateAttributesFactory()
                    ?? throw new FlowException($"The private attributes factory of {this} returned null; return an empty dictionary instead.");
                foreach (KeyValuePair<string, object?> entry in created)
                {
                    if (!all.TryAdd(entry.Key, entry.Value))
                    {
                        throw new FlowException(
                            $"{this} has private attribute '{entry.Key}' both in PrivateAttributes and from its factory; give it in one place.");
                    }
                }
            }

            _resolved = all;
            return all;
        }
    }
}
