using System.Net;
using System.Net.Sockets;
using Confer.Federation.Grpc;
using Confer.Federation.Grpc.Hosting;
using Confer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The aggregator and the collaborator as hosted services of a Generic Host: they stop the application with the federation's exit code, and stop cleanly when the host stops.</summary>
public class HostingTests
{
    private static readonly TimeSpan FederationTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task HostedFederation_Finishes_EveryApplicationStopsByItselfWithExitCodeZero()
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 2);
        var logs = new CapturingLoggerProvider();
        using var aggregator = Build(logs, s => s.AddConferAggregator(AggregatorOptions(workspace)));
        using var alpha = Build(logs, s => s.AddConferCollaborator(CollaboratorOptions(workspace, "alpha")));
        using var beta = Build(logs, s => s.AddConferCollaborator(CollaboratorOptions(workspace, "beta")));

        var outcomes = new[] { aggregator, alpha, beta }.Select(h => h.Services.GetRequiredService<FederationOutcome>()).ToList();

        // RunAsync returns only when the application stops; nobody stops these hosts but the services themselves.
        var runs = new[] { aggregator.RunAsync(), alpha.RunAsync(), beta.RunAsync() };
        await Task.WhenAll(runs).DefaultTimeout(FederationTimeout);

        Assert.All(outcomes, o => Assert.Equal(FederationOutcome.Finished, o.ExitCodeOrStopped));

        Assert.True(File.Exists(Path.Combine(workspace.AggregatorWorkspace, "save/echo_last.pbuf")));
        var messages = logs.Messages.ToList();
        Assert.Contains("Federation finished: 2 rounds trained", messages);
        Assert.Contains("Collaborator alpha is sending task results for train, round 1", messages);
        Assert.Empty(logs.Errors);
    }

    [Fact]
    public async Task HostedAggregator_StoppedMidFederation_StopsServingKeepsProgressAndSaysStopped()
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 2);
        var logs = new CapturingLoggerProvider();
        using var aggregator = Build(logs, s => s.AddConferAggregator(AggregatorOptions(workspace)));
        await aggregator.StartAsync().DefaultTimeout();
        var stored = logs.WaitForAsync("Task locally_tuned_model_validation of round 1 done");

        // alpha finishes round 1's tasks (acknowledged, so stored); beta never comes, so the round stays open.
        using var alpha = Build(logs, s => s.AddConferCollaborator(CollaboratorOptions(workspace, "alpha")));
        await alpha.StartAsync().DefaultTimeout();
        await stored.DefaultTimeout(FederationTimeout);

        await aggregator.StopAsync().DefaultTimeout();

        var outcome = aggregator.Services.GetRequiredService<FederationOutcome>();
        var exitCode = await outcome.ExitCode.DefaultTimeout();
        Assert.True(exitCode == FederationOutcome.Stopped, $"exit code {exitCode}, expected {FederationOutcome.Stopped}; the log:\n{string.Join("\n", logs.Messages.Concat(logs.Errors))}");
        Assert.Contains(logs.Messages, m => m.StartsWith("Aggregator stopped before the federation finished", StringComparison.Ordinal));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(workspace.AggregatorWorkspace, "save/federation/round_1"), "alpha__*.result"), f => f.EndsWith("alpha__locally_tuned_model_validation.result", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<SocketException>(() => ConnectAsync(workspace.Port)).DefaultTimeout();

        await alpha.StopAsync().DefaultTimeout();
        Assert.Equal(FederationOutcome.Stopped, await alpha.Services.GetRequiredService<FederationOutcome>().ExitCode.DefaultTimeout());
        Assert.Contains(logs.Messages, m => m == "Collaborator alpha stopped before the federation finished.");
    }

    [Fact]
    public async Task HostedCollaborator_StoppedWhileWaitingForTheAggregator_CancelsAndSaysStopped()
    {
        // No aggregator listens: the collaborator keeps reconnecting until the host stops it.
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        var logs = new CapturingLoggerProvider();
        using var alpha = Build(logs, s => s.AddConferCollaborator(CollaboratorOptions(workspace, "alpha")));
        await alpha.StartAsync().DefaultTimeout();
        await logs.WaitForAsync("cannot reach the aggregator").DefaultTimeout();

        await alpha.StopAsync().DefaultTimeout();

        Assert.Equal(FederationOutcome.Stopped, await alpha.Services.GetRequiredService<FederationOutcome>().ExitCode.DefaultTimeout());
    }

    [Fact]
    public async Task HostedCollaborator_RefusedByTheAggregator_StopsTheApplicationWithExitCodeOne()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        workspace.Enroll("mallory");
        var logs = new CapturingLoggerProvider();
        using var aggregator = Build(logs, s => s.AddConferAggregator(AggregatorOptions(workspace)));
        await aggregator.StartAsync().DefaultTimeout();
        try
        {
            using var mallory = Build(logs, s => s.AddConferCollaborator(CollaboratorOptions(workspace, "mallory")));
            var outcome = mallory.Services.GetRequiredService<FederationOutcome>();
            await mallory.RunAsync().DefaultTimeout(FederationTimeout);
            Assert.Equal(FederationOutcome.Failed, outcome.ExitCodeOrStopped);
            Assert.Contains(logs.Messages, m => m.Contains("NotAuthorized", StringComparison.Ordinal));
        }
        finally
        {
            await aggregator.StopAsync().DefaultTimeout();
        }
    }

    [Fact]
    public async Task HostedAggregator_WithoutAnInitialModel_StopsTheApplicationWithExitCodeOne()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        File.Delete(Path.Combine(workspace.AggregatorWorkspace, "save/echo_init.pbuf"));
        var logs = new CapturingLoggerProvider();
        using var aggregator = Build(logs, s => s.AddConferAggregator(AggregatorOptions(workspace)));

        var outcome = aggregator.Services.GetRequiredService<FederationOutcome>();

        await aggregator.RunAsync().DefaultTimeout(FederationTimeout);

        Assert.Equal(FederationOutcome.Failed, outcome.ExitCodeOrStopped);
        Assert.Contains(logs.Errors, e => e.Contains("plan initialize", StringComparison.Ordinal));
    }

    private static IHost Build(CapturingLoggerProvider logs, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        configure(builder.Services);
        return builder.Build();
    }

    private static AggregatorOptions AggregatorOptions(FederationWorkspace workspace) => new()
    {
        WorkspaceDirectory = workspace.AggregatorWorkspace,
        ListenAddress = IPAddress.Loopback,
        QuitGracePeriod = TimeSpan.FromSeconds(10),
    };

    private static CollaboratorOptions CollaboratorOptions(FederationWorkspace workspace, string name) => new()
    {
        WorkspaceDirectory = workspace.CollaboratorWorkspace(name),
        Name = name,
        AggregatorAddress = new Uri($"https://localhost:{workspace.Port}"),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
    };

    private static async Task ConnectAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
    }
}
