using System.Collections.Concurrent;
using System.Globalization;
using Confer.Plan;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A token bucket per collaborator on calls: each call takes a token; a bucket holds at most
/// <see cref="NetworkLimits.RequestBurst"/> tokens and refills at
/// <see cref="NetworkLimits.MaxRequestsPerSecond"/>. A collaborator that floods the aggregator is
/// refused on its own, without slowing the others.
/// </summary>
internal sealed class RateLimiter(NetworkLimits limits, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>How every rate-limit refusal begins, so a collaborator can tell it from the other <c>ResourceExhausted</c> refusals (sizes), which are not worth retrying.</summary>
    public const string RefusalPrefix = "rate limit:";

    /// <summary>The refusal's text, naming the limit and how to change it.</summary>
    public string Describe(string collaborator) => string.Create(
        CultureInfo.InvariantCulture,
        $"{RefusalPrefix} collaborator '{collaborator}' made more than {limits.RequestBurst} requests at once or more than {limits.MaxRequestsPerSecond} a second (network.limits.request_burst, max_requests_per_second); slow down and retry");

    /// <summary>Takes a token from the collaborator's bucket; false when it is empty.</summary>
    public bool TryAcquire(string collaborator)
    {
        var bucket = _buckets.GetOrAdd(collaborator, _ => new Bucket(limits.RequestBurst, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            var refill = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * limits.MaxRequestsPerSecond;
            bucket.Tokens = Math.Min(limits.RequestBurst, bucket.Tokens + refill);
            bucket.Stamp = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }
}
