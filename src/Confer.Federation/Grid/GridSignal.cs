namespace Confer.Federation.Grid;

/// <summary>
/// What a grid uses to let its callers sleep until its state changes (a reply arrived, a task
/// was withdrawn, the run ended) instead of polling: every <see cref="Signal"/> wakes everyone
/// waiting on <see cref="Changed"/> at that moment. The grid calls both under its own lock, so a
/// waiter that checked the state and then takes <see cref="Changed"/> cannot miss a change.
/// </summary>
public sealed class GridSignal
{
    private TaskCompletionSource _current = New();

    /// <summary>Completes at the next <see cref="Signal"/>. Read it under the lock that guards the state it waits on.</summary>
    public Task Changed => _current.Task;

    /// <summary>Wakes everyone waiting on <see cref="Changed"/>. Call it under the lock, after the state changed.</summary>
    public void Signal()
    {
        TaskCompletionSource previous = _current;
        _current = New();
        previous.TrySetResult();
    }

    /// <summary>Waits until <paramref name="isOver"/>, checked under <paramref name="gate"/>, is true; it is checked again at every <see cref="Signal"/>.</summary>
    /// <param name="gate">The grid's lock.</param>
    /// <param name="isOver">The condition; it may throw to end the wait with an error.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    public async Task WaitUntilAsync(Lock gate, Func<bool> isOver, CancellationToken cancellationToken = default)
    {
        _ = gate ?? throw new ArgumentNullException(nameof(gate));
        ArgumentNullException.ThrowIfNull(isOver);
        while (true)
        {
            Task changed;
            lock (gate)
            {
                if (isOver())
                {
                    return;
                }

                changed = _current.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
