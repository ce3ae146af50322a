namespace Confer.Workflow;

/// <summary>Marks a method as a step that runs on the aggregator (OpenFL's <c>@aggregator</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AggregatorAttribute : PlacementAttribute
{
    /// <inheritdoc/>
    public override Placement Placement => Placement.Aggregator;
}
