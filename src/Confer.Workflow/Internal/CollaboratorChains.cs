using Confer.Federation;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;

namespace Confer.Workflow.Internal;

/// <summary>
/// A collaborator's side of a flow behind the message grid: a task message names the first
/// collaborator step of a foreach and carries the attributes sent to it; the collaborator runs
/// its steps until one goes back to the aggregator (a join) and replies with what that step sends.
/// Its private attributes are bound here, on the node, and never travel.
/// </summary>
internal sealed class CollaboratorChains(FlowExecutor executor, string collaborator) : IMessageHandler
{
    /// <summary>The reply's config key naming the step that went to the join.</summary>
    public const string LastStepKey = "flow:last";

    /// <summary>The reply's config key naming the join.</summary>
    public const string JoinKey = "flow:join";

    public async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        StepDefinition first = executor.Step(message.Kind);
        EncodedValue[] payload = executor.Decode(message.Config);
        ChainResult result = await executor.RunChainAsync(collaborator, first, payload, cancellationToken).ConfigureAwait(false);
        Message reply = message.CreateReply(null, MetricRecord.Empty, 0);
        return reply with { Config = PayloadRecord.ToConfig(result.Payload, new(LastStepKey, result.LastStep.Name), new(JoinKey, result.Join.Name)) };
    }
}
