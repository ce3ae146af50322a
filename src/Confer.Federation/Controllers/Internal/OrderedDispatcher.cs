using System.Globalization;
using Confer.Federation.Strategies;

namespace Confer.Federation.Controllers.Internal;

/// <summary>
/// Runs one phase's client tasks with bounded parallelism and hands their outcomes to a fold
/// callback strictly in assignment order.
/// </summary>
/// <remarks>
/// Determinism and flat memory together: outcomes are folded in the fixed order, so a result that
/// finishes early waits for the ones before it. A task is started only while it is less than
/// <c>window</c> (2 × parallelism) positions ahead of the next outcome to fold, so at most
/// <c>window</c> results are held at any moment, however many clients the round has; a slow client
/// holds back new starts only until the round timeout cuts it.
/// </remarks>
internal static class OrderedDispatcher
{
    public static async Task RunAsync<TInstructions, TResult>(
        IReadOnlyList<ClientInstructions<TInstructions>> assignments,
        Func<string, TInstructions, CancellationToken, Task<TResult>> call,
        Action<int, string, ClientOutcome<TResult>> fold,
        int maxParallel,
        TimeSpan? timeout,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
        where TResult : class
    {
        int n = assignments.Count;
        if (n == 0)
        {
            return;
        }

        int window = Math.Min(n, 2 * maxParallel);
        using var throttle = new SemaphoreSlim(maxParallel, maxParallel);
        using CancellationTokenSource? deadline = timeout is { } t ? new CancellationTokenSource(t, timeProvider) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);
        var ring = new Task<ClientOutcome<TResult>>?[window];
        int started = 0;
        try
        {
            for (int i = 0; i < n; i++)
            {
                while (started < n && started < i + window)
                {
                    ClientInstructions<TInstructions> next = assignments[started];
                    ring[started % window] = RunOneAsync(next.ClientId, next.Instructions, call, throttle, timeout, timeProvider, deadline, linked.Token, cancellationToken);
                    started++;
                }

                ClientOutcome<TResult> outcome = await ring[i % window]!.ConfigureAwait(false);
                ring[i % window] = null;
                cancellationToken.ThrowIfCancellationRequested();
                fold(i, assignments[i].ClientId, outcome);
            }
        }
        finally
        {
            // Leave no task of ours running after the phase: tell the rest to stop and wait for them.
            if (started > 0 && ring.Any(task => task is not null))
            {
                await linked.CancelAsync().ConfigureAwait(false);
                foreach (Task<ClientOutcome<TResult>>? task in ring)
                {
                    if (task is not null)
                    {
                        await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }
                }
            }
        }
    }

    private static async Task<ClientOutcome<TResult>> RunOneAsync<TInstructions, TResult>(
        string clientId,
        TInstructions instructions,
        Func<string, TInstructions, CancellationToken, Task<TResult>> call,
        SemaphoreSlim throttle,
        TimeSpan? timeout,
        TimeProvider timeProvider,
        CancellationTokenSource? deadline,
        CancellationToken token,
        CancellationToken runToken)
        where TResult : class
    {
        long start = timeProvider.GetTimestamp();
        try
        {
            await throttle.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!runToken.IsCancellationRequested)
        {
            return new ClientOutcome<TResult>(null, TimedOut(clientId, timeout, started: false, deadline), TimeSpan.Zero);
        }

        start = timeProvider.GetTimestamp();

        // Task.Run keeps a synchronous client from blocking the loop that starts the others.
        Task<TResult> work = Task.Run(() => call(clientId, instructions, token), token);
        try
        {
            // WaitAsync lets a client that ignores its token be abandoned at the deadline.
            TResult result = await work.WaitAsync(token).ConfigureAwait(false);
            return new ClientOutcome<TResult>(result, null, timeProvider.GetElapsedTime(start));
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            // The run is stopped, not timed out: the client was told to stop; wait until it has
            // (and its channel has released it), so that no client is left running after the run.
            await ((Task)work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true)
        {
            return new ClientOutcome<TResult>(null, TimedOut(clientId, timeout, started: true, deadline), timeProvider.GetElapsedTime(start));
        }
        catch (Exception exception)
        {
            var failure = new ClientFailure(clientId, FailureReason.ClientError, $"{exception.GetType().Name}: {exception.Message}") { Exception = exception };
            return new ClientOutcome<TResult>(null, failure, timeProvider.GetElapsedTime(start));
        }
        finally
        {
            throttle.Release();
        }
    }

    private static ClientFailure TimedOut(string clientId, TimeSpan? timeout, bool started, CancellationTokenSource? deadline)
    {
        if (deadline is null || !deadline.IsCancellationRequested)
        {
            // The phase was stopped for another reason (an aggregation error): not the client's fault, but not a result either.
            return new ClientFailure(clientId, FailureReason.ClientError, "The task was stopped before it finished.");
        }

        string limit = timeout?.ToString("c", CultureInfo.InvariantCulture) ?? "?";
        return new ClientFailure(
            clientId,
            FailureReason.Timeout,
            started
                ? $"The task did not finish within the round timeout of {limit}."
                : $"The task could not start within the round timeout of {limit}: all parallel slots were busy. Raise the round timeout or the parallelism.");
    }
}
