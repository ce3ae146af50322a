using Confer.Federation.Grpc.Internal;
using Confer.Plan;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The per-collaborator token bucket on calls, on a fake clock.</summary>
public sealed class RateLimiterTests
{
    private static readonly NetworkLimits Limits = new(16 << 20, 1L << 30, 1 << 20, MaxRequestsPerSecond: 2, RequestBurst: 3, MaxUploadBytesPerSecond: 0);

    [Fact]
    public void Burst_ThenTheSustainedRate_PerCollaborator()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(Limits, time);

        Assert.True(limiter.TryAcquire("mallory"));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.False(limiter.TryAcquire("mallory"));

        // Another collaborator has its own bucket.
        Assert.True(limiter.TryAcquire("alpha"));

        // Half a second at 2 a second refills one token.
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.False(limiter.TryAcquire("mallory"));

        // A long pause refills up to the burst, not beyond.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.True(limiter.TryAcquire("mallory"));
        Assert.False(limiter.TryAcquire("mallory"));
    }

    [Fact]
    public void Refusal_NamesTheCollaboratorAndTheLimits()
    {
        var limiter = new RateLimiter(Limits, new FakeTimeProvider());

        string text = limiter.Describe("mallory");

        Assert.Equal("rate limit: collaborator 'mallory' made more than 3 requests at once or more than 2 a second (network.limits.request_burst, max_requests_per_second); slow down and retry", text);
    }
}
