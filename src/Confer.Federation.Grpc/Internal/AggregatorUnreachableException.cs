using System.Globalization;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The collaborator retried an unreachable aggregator for <c>network.client_reconnect_timeout</c> and gives up.</summary>
internal sealed class AggregatorUnreachableException(Uri address, TimeSpan tried, TimeSpan timeout, Exception last)
    : IOException(string.Create(CultureInfo.InvariantCulture, $"Gave up reaching the aggregator at {address} after {tried.TotalSeconds:F0} s of failed attempts (network.client_reconnect_timeout is {timeout.TotalSeconds} s; raise it in the plan to keep trying longer): {last.Message}"), last)
{
    /// <summary>The address dialled.</summary>
    public Uri Address { get; } = address;

    /// <summary>How long the attempts failed before giving up.</summary>
    public TimeSpan Tried { get; } = tried;

    /// <summary>The plan's give-up time.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
