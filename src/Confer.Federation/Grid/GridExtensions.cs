using Confer.Federation.Messages;

namespace Confer.Federation.Grid;

/// <summary>Conveniences over <see cref="IGrid"/>.</summary>
public static class GridExtensions
{
    /// <summary>
    /// Pushes <paramref name="messages"/> and collects their replies until every one has replied
    /// or <paramref name="timeout"/> has passed, then withdraws the rest (Flower's <c>send_and_receive</c>).
    /// </summary>
    /// <param name="grid">The grid.</param>
    /// <param name="messages">The tasks.</param>
    /// <param name="timeout">The longest to wait; <see langword="null"/> waits for every reply.</param>
    /// <param name="timeProvider">The clock of the timeout; <see langword="null"/> for the system's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The replies that came, in the order of <paramref name="messages"/>.</returns>
    public static async Task<IReadOnlyList<Message>> SendAndReceiveAsync(
        this IGrid grid,
        IReadOnlyList<Message> messages,
        TimeSpan? timeout = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<string> ids = await grid.PushAsync(messages, cancellationToken).ConfigureAwait(false);
        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        var replies = new Dictionary<string, Message>(StringComparer.Ordinal);
        using var deadline = timeout is { } t ? new CancellationTokenSource(t, timeProvider ?? TimeProvider.System) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);
        try
        {
            while (pending.Count > 0)
            {
                foreach (Message reply in await grid.PullAsync(pending, cancellationToken).ConfigureAwait(false))
                {
                    pending.Remove(reply.ReplyTo!);
                    replies[reply.ReplyTo!] = reply;
                }

                if (pending.Count > 0)
                {
                    await grid.WaitAsync(pending, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            await grid.WithdrawAsync(pending, cancellationToken).ConfigureAwait(false);
        }

        return [.. ids.Where(replies.ContainsKey).Select(id => replies[id])];
    }
}
