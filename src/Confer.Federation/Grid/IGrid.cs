using Confer.Core;
using Confer.Federation.Messages;

namespace Confer.Federation.Grid;

/// <summary>
/// The nodes an aggregator can send task messages to and receive replies from (Flower's
/// <c>Grid</c>): in this process (<see cref="InMemoryGrid"/>, simulation and tests) or over the
/// network (the gRPC grid of a real federation, mutual TLS). The round controller, strategies,
/// flows and jobs are written against this interface only, so one engine runs on every grid.
/// </summary>
/// <remarks>
/// A task is pushed once and answered once: its id (<c>round/node/kind</c>) is the key of its
/// reply, and a reply is handed out by <see cref="PullAsync"/> exactly once. A grid may keep
/// replies where they are cheapest (a durable file) and give them as lazily read
/// <see cref="ArrayRecord"/>s.
/// </remarks>
public interface IGrid
{
    /// <summary>The nodes, in their fixed order: the order replies are folded in.</summary>
    IReadOnlyList<string> NodeIds { get; }

    /// <summary>Sends task messages to their nodes.</summary>
    /// <param name="messages">The tasks; each names its node, kind and round. A node runs the tasks it is sent in this order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The messages' ids, in order.</returns>
    /// <exception cref="ArgumentException">A message names an unknown node, or repeats the id of a task that is still out.</exception>
    Task<IReadOnlyList<string>> PushAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default);

    /// <summary>Takes the replies to <paramref name="messageIds"/> that have arrived and were not taken before; does not wait.</summary>
    /// <param name="messageIds">The tasks whose replies are wanted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The replies, possibly none.</returns>
    Task<IReadOnlyList<Message>> PullAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>Waits until a reply to one of <paramref name="messageIds"/> can be pulled, or none ever will (every one was taken or withdrawn).</summary>
    /// <param name="messageIds">The tasks.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes when a reply is waiting.</returns>
    Task WaitAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Withdraws tasks that have no reply yet (a deadline passed, the straggler policy closed the
    /// round): a node that has not started one never will, one at work is told to stop, and a
    /// reply that comes later is refused (<see cref="ReasonCode.RoundClosed"/>). A durable grid
    /// records the withdrawal before it returns, so a restarted aggregator counts the same replies.
    /// </summary>
    /// <param name="messageIds">The tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tasks are withdrawn.</returns>
    Task WithdrawAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Says that the controller is done with the arrays <paramref name="state"/> it sent; true when
    /// the grid holds it neither (no transfer reads it), so its buffers may be written over.
    /// </summary>
    /// <param name="state">A state the controller sent in an earlier round.</param>
    /// <returns>Whether its buffers may be reused.</returns>
    bool TryReleaseArrays(ModelState state);
}
