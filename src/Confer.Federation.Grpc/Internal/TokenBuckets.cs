using System.Collections.Concurrent;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A token bucket per key (a collaborator): each holds at most <paramref name="capacity"/> tokens
/// and refills at <paramref name="ratePerSecond"/> on the given clock; a new key starts full.
/// Thread-safe. <see cref="RateLimiter"/> counts calls with it, <see cref="UploadPacer"/> bytes.
/// </summary>
internal sealed class TokenBuckets(double capacity, double ratePerSecond, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="amount"/> tokens when the bucket holds them; false, taking nothing, when it does not.</summary>
    public bool TryTake(string key, double amount)
    {
        var bucket = Get(key);
        lock (bucket)
        {
            Refill(bucket);
            if (bucket.Tokens < amount)
            {
                return false;
            }

            bucket.Tokens -= amount;
            return true;
        }
    }

    /// <summary>Takes <paramref name="amount"/> tokens even when the bucket goes into debt; returns what it holds after (negative: the debt).</summary>
    public double TakeOnCredit(string key, double amount)
    {
        var bucket = Get(key);
        lock (bucket)
        {
            Refill(bucket);
            bucket.Tokens -= amount;
            return bucket.Tokens;
        }
    }

    private Bucket Get(string key) => _buckets.GetOrAdd(key, _ => new Bucket(capacity, time.GetTimestamp()));

    private void Refill(Bucket bucket)
    {
        var now = time.GetTimestamp();
        bucket.Tokens = Math.Min(capacity, bucket.Tokens + (time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * ratePerSecond));
        bucket.Stamp = now;
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
