using System.Globalization;
using Confer.Core.Aggregation;
using Confer.Federation.Grid;
using Confer.Federation.Messages;
using Confer.Plan;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Controllers.Internal;

/// <summary>
/// Runs one phase of a round over a grid: pushes its task messages, pulls the replies as they
/// come, and hands each to the aggregation strictly in the order of the messages (replies that
/// come early wait for the ones before them), so the result is the same bit for bit whatever the
/// order of arrival. The phase ends when every task is answered, when the straggler policy closes
/// it, or at the round timeout; the tasks still out are then withdrawn and become failures.
/// </summary>
internal sealed class PhaseRunner(IGrid grid, RoundControllerOptions options, ILogger logger)
{
    /// <summary>What one phase gave.</summary>
    public sealed record Result(int Accepted, int Models, List<ClientFailure> Failures, List<NodeReport> Reports);

    /// <param name="round">The round.</param>
    /// <param name="phase">Training or evaluation.</param>
    /// <param name="messages">The tasks, in fold order.</param>
    /// <param name="add">Takes one reply in fold order; throws <see cref="UpdateRejectedException"/> to refuse it.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<Result> RunAsync(int round, RoundPhase phase, IReadOnlyList<Message> messages, Action<Message> add, CancellationToken cancellationToken)
    {
        TimeProvider time = options.TimeProvider;
        long start = time.GetTimestamp();
        IReadOnlyList<string> ids = await grid.PushAsync(messages, cancellationToken).ConfigureAwait(false);
        int n = ids.Count;
        var position = new Dictionary<string, int>(n, StringComparer.Ordinal);
        var remainingPerNode = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            position[ids[i]] = i;
            remainingPerNode[messages[i].NodeId] = remainingPerNode.GetValueOrDefault(messages[i].NodeId) + 1;
        }

        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        var slots = new Outcome?[n];
        var result = new Result(0, 0, [], []);
        int accepted = 0;
        int models = 0;
        int next = 0;
        int reported = 0;
        int assigned = remainingPerNode.Count;

        void FoldReady()
        {
            while (next < n && slots[next] is { } outcome)
            {
                slots[next] = null;
                ClientFailure? failure = outcome.Failure ?? Fold(outcome.Reply!, add);
                if (failure is null)
                {
                    accepted++;
                    models += outcome.Reply!.Arrays is null ? 0 : 1;
                    result.Reports.Add(new NodeReport(outcome.Reply.NodeId, outcome.Reply.Kind, outcome.Reply.ExampleCount, outcome.Reply.Metrics));
                    ControllerLog.ClientFinished(logger, round, outcome.Reply.NodeId, outcome.Reply.Kind, outcome.Reply.ExampleCount);
                }
                else
                {
                    result.Failures.Add(failure with { TaskKind = messages[next].Kind });
                    ControllerLog.ClientFailed(logger, round, failure.ClientId, messages[next].Kind, failure.Reason, failure.Message);
                }

                next++;
                options.Progress?.Report(new RoundProgress(round, options.Rounds, phase, next, n, result.Failures.Count));
            }
        }

        while (pending.Count > 0)
        {
            foreach (Message reply in await grid.PullAsync(pending, cancellationToken).ConfigureAwait(false))
            {
                if (reply.ReplyTo is not { } id || !pending.Remove(id))
                {
                    continue;
                }

                slots[position[id]] = new Outcome(reply, reply.Error is { } error ? Failed(reply.NodeId, error) : null);
                if (--remainingPerNode[reply.NodeId] == 0)
                {
                    reported++;
                }
            }

            FoldReady();
            if (pending.Count == 0)
            {
                break;
            }

            TimeSpan elapsed = time.GetElapsedTime(start);
            StragglerPolicy policy = options.StragglerPolicy;
            if (options.RoundTimeout is { } timeout && elapsed >= timeout)
            {
                string missing = Missing(messages, ids, pending);
                ControllerLog.PhaseTimedOut(logger, round, phase.ToString(), timeout.TotalSeconds, missing);
                await WithdrawAsync(pending, ids, slots, messages, ReasonCode.Timeout, string.Create(CultureInfo.InvariantCulture, $"The task did not finish within the round timeout of {timeout:c}."), cancellationToken).ConfigureAwait(false);
                break;
            }

            if (policy.IsRoundComplete(reported, assigned, elapsed))
            {
                ControllerLog.RoundCut(logger, round, policy.Kind.ToString(), reported, assigned, Missing(messages, ids, pending));
                await WithdrawAsync(pending, ids, slots, messages, ReasonCode.RoundClosed, $"The straggler policy {policy.Kind} closed the round before this node replied.", cancellationToken).ConfigureAwait(false);
                break;
            }

            await WaitAsync(pending, Until(elapsed, options.RoundTimeout, policy.CutoffTime), cancellationToken).ConfigureAwait(false);
        }

        FoldReady();
        return result with { Accepted = accepted, Models = models };
    }

    private static ClientFailure? Fold(Message reply, Action<Message> add)
    {
        try
        {
            add(reply);
            return null;
        }
        catch (UpdateRejectedException rejected)
        {
            ReasonCode reason = rejected.Reason switch
            {
                UpdateRejectionReason.LayoutMismatch => ReasonCode.LayoutMismatch,
                UpdateRejectionReason.NonFiniteValue => ReasonCode.NonFiniteValue,
                UpdateRejectionReason.InvalidWeight => ReasonCode.InvalidExampleCount,
                _ => ReasonCode.Rejected,
            };
            return new ClientFailure(reply.NodeId, reason, rejected.Message) { Exception = rejected };
        }
    }

    private static ClientFailure Failed(string node, MessageError error) => new(node, error.Reason, error.Text) { Exception = error.Exception };

    /// <summary>How long to wait for the next reply: until the timeout or the straggler cut-off, whichever comes first (null: until a reply).</summary>
    private static TimeSpan? Until(TimeSpan elapsed, TimeSpan? timeout, TimeSpan? cutoff)
    {
        TimeSpan? wait = null;
        foreach (TimeSpan? limit in (TimeSpan?[])[timeout, cutoff])
        {
            if (limit is { } l && l > elapsed && (wait is null || l - elapsed < wait))
            {
                wait = l - elapsed;
            }
        }

        return wait is { } w && w < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait;
    }

    private async Task WaitAsync(HashSet<string> pending, TimeSpan? wait, CancellationToken cancellationToken)
    {
        if (wait is null)
        {
            await grid.WaitAsync(pending, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var limit = new CancellationTokenSource(wait.Value, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            await grid.WaitAsync(pending, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout or the cut-off came: the loop asks the policy again.
        }
    }

    private async Task WithdrawAsync(HashSet<string> pending, IReadOnlyList<string> ids, Outcome?[] slots, IReadOnlyList<Message> messages, ReasonCode reason, string text, CancellationToken cancellationToken)
    {
        await grid.WithdrawAsync(pending, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < ids.Count; i++)
        {
            if (pending.Contains(ids[i]))
            {
                slots[i] = new Outcome(null, new ClientFailure(messages[i].NodeId, reason, text));
            }
        }

        pending.Clear();
    }

    private static string Missing(IReadOnlyList<Message> messages, IReadOnlyList<string> ids, HashSet<string> pending) =>
        string.Join(", ", Enumerable.Range(0, ids.Count).Where(i => pending.Contains(ids[i])).Select(i => messages[i].NodeId).Distinct(StringComparer.Ordinal));

    private sealed record Outcome(Message? Reply, ClientFailure? Failure);
}
