namespace Confer.Workflow;

/// <summary>The aggregator participant: runs the <see cref="AggregatorAttribute"/> steps, including Start, joins and End.</summary>
public sealed class Aggregator : Participant
{
    /// <summary>Creates the aggregator, named "aggregator".</summary>
    public Aggregator()
        : base("aggregator")
    {
    }

    /// <summary>Creates the aggregator with a name.</summary>
    /// <param name="name">The name shown in run records and the egress record.</param>
    public Aggregator(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public override Placement Placement => Placement.Aggregator;
}
