using Confer.Federation.Messages;

namespace Confer.Federation.Nodes;

/// <summary>
/// A node's code behind the grid (Flower's <c>ClientApp</c>): it takes one task message and returns
/// the reply. The front doors adapt to it: a Flower-style client (<see cref="Clients.ClientMessageHandler"/>),
/// a plan's task runner (<see cref="TaskRunners.TaskRunnerMessageHandler"/>). A node hands it one
/// message at a time, in the order the aggregator sent them.
/// </summary>
public interface IMessageHandler
{
    /// <summary>Handles one task.</summary>
    /// <param name="message">The task: kind, round, config, arrays.</param>
    /// <param name="cancellationToken">Signalled when the task is withdrawn (deadline, straggler cut) or the node stops.</param>
    /// <returns>The reply (<see cref="Message.CreateReply"/> or <see cref="Message.CreateErrorReply"/>). An exception becomes a <see cref="Messages.ReasonCode.ClientError"/> reply.</returns>
    Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default);
}
