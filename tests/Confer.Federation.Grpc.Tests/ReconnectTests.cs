using System.Net;
using System.Net.Sockets;
using Confer.Federation.Grpc;
using Confer.Testing;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The collaborator's retries against an aggregator that cannot be reached, and when it gives up.</summary>
public class ReconnectTests
{
    [Fact]
    public async Task RunAsync_AggregatorNeverReachable_GivesUpAfterTheTimeout_ReturnsOneNamingAddressAndSetting()
    {
        // The plan retries from 0.2 s; nothing listens on the address.
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var address = new Uri($"https://localhost:{UnusedPort()}");
        var options = new CollaboratorOptions
        {
            WorkspaceDirectory = workspace.CollaboratorWorkspace("alpha"),
            Name = "alpha",
            AggregatorAddress = address,
            GiveUpAfter = TimeSpan.FromSeconds(1.5),
            LoggerFactory = factory,
        };

        var started = TimeProvider.System.GetTimestamp();
        int code = await CollaboratorHost.RunAsync(options).DefaultTimeout();
        var took = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal(1, code);
        Assert.True(took >= TimeSpan.FromSeconds(1.5), $"gave up after {took}");
        Assert.True(logs.Messages.Count(m => m.StartsWith("Collaborator alpha cannot reach the aggregator at " + address, StringComparison.Ordinal)) >= 2, string.Join("\n", logs.Messages));
        string gaveUp = Assert.Single(logs.Errors);
        Assert.StartsWith($"Confer.Collaborator: Collaborator alpha gave up reaching the aggregator at {address} after ", gaveUp, StringComparison.Ordinal);
        Assert.Contains(" s of failed attempts (network.client_reconnect_timeout is 1.5 s; raise it in the plan to keep trying longer). Last error: ", gaveUp, StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
