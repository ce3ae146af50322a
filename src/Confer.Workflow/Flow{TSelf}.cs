namespace Confer.Workflow;

/// <summary>
/// A flow that can join: <typeparamref name="TSelf"/> is the flow class itself, so a join step reads
/// <c>void Join(IReadOnlyList&lt;TSelf&gt; inputs)</c> and <c>Next(Join)</c> compiles from a method group.
/// </summary>
/// <typeparam name="TSelf">The deriving flow class (<c>class FederatedFlow : Flow&lt;FederatedFlow&gt;</c>).</typeparam>
public abstract class Flow<TSelf> : Flow
    where TSelf : Flow<TSelf>
{
    /// <summary>Initializes a flow.</summary>
    protected Flow()
    {
    }

    /// <summary>
    /// Ends a collaborator step by sending the collaborator's state to a join on the aggregator. The
    /// join runs once every collaborator of the foreach has arrived, and receives their copies ordered
    /// by collaborator name.
    /// </summary>
    /// <param name="join">The join step, as a method group (e.g. <c>Next(Join)</c>).</param>
    /// <param name="include">Only these attributes are sent. Cannot be combined with <paramref name="exclude"/>.</param>
    /// <param name="exclude">Every attribute except these is sent. Default: everything is sent.</param>
    protected void Next(Action<IReadOnlyList<TSelf>> join, IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(join);
        RecordNext(join.Method, join.Target, null, include, exclude);
    }
}
