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
    private readonly TokenBuckets _buckets = new(limits.RequestBurst, limits.MaxRequestsPerSecond, time);

    private const string RefusalPrefix = "rate limit:";

    /// <summary>The refusal's text, naming the limit and how to change it.</summary>
    public string Describe(string collaborator) => string.Create(
        CultureInfo.InvariantCulture,
        $"{RefusalPrefix} collaborator '{collaborator}' made more than {limits.RequestBurst} requests at once or more than {limits.MaxRequestsPerSecond} a second (network.limits.request_burst, max_requests_per_second); slow down and retry");

    /// <summary>Takes a token from the collaborator's bucket; false when it is empty.</summary>
    public bool TryAcquire(string collaborator) => _buckets.TryTake(collaborator, 1);
}
