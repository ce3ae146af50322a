using Confer.Plan;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Keeps each collaborator's uploads to <see cref="NetworkLimits.MaxUploadBytesPerSecond"/>: a token
/// bucket of bytes per collaborator, holding at most one second of bytes (or one chunk, if a chunk
/// is larger). The aggregator takes a chunk, charges its bytes, and when the bucket is in debt waits
/// for it to refill before it reads the next one; HTTP/2 flow control then holds the sender back.
/// Nothing is refused: a fast collaborator is slowed, not cut off. Concurrent uploads of one
/// collaborator share its bucket; other collaborators are not affected. A rate of 0 is unlimited.
/// </summary>
internal sealed class UploadPacer(NetworkLimits limits, TimeProvider time)
{
    private readonly double _rate = limits.MaxUploadBytesPerSecond;
    private readonly TokenBuckets _buckets = new(Math.Max(limits.MaxUploadBytesPerSecond, limits.ChunkSize), limits.MaxUploadBytesPerSecond, time);

    /// <summary>Whether uploads are paced at all.</summary>
    public bool Enabled => _rate > 0;

    /// <summary>
    /// Charges <paramref name="bytes"/> to the collaborator's bucket and returns how long to wait
    /// before reading more from it: zero while the bucket has the bytes, otherwise the time the rate
    /// takes to pay the debt.
    /// </summary>
    public TimeSpan Charge(string collaborator, long bytes)
    {
        if (!Enabled || bytes <= 0)
        {
            return TimeSpan.Zero;
        }

        var balance = _buckets.TakeOnCredit(collaborator, bytes);
        return balance >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-balance / _rate);
    }

    /// <summary><see cref="Charge"/>, then waits (on the aggregator's clock) for as long as it says; completes at once when there is nothing to wait for.</summary>
    public ValueTask<TimeSpan> PaceAsync(string collaborator, long bytes, CancellationToken cancellationToken)
    {
        var wait = Charge(collaborator, bytes);
        return wait == TimeSpan.Zero ? ValueTask.FromResult(wait) : new ValueTask<TimeSpan>(WaitAsync(wait, cancellationToken));
    }

    private async Task<TimeSpan> WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        return wait;
    }
}
