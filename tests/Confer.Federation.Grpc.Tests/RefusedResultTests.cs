using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Confer.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>
/// An honest collaborator whose own training diverged: the aggregator refuses its NaN result, and
/// the collaborator stops with a clear error instead of an unhandled exception, and the aggregator
/// serves on.
/// </summary>
public sealed class RefusedResultTests
{
    [Fact]
    public async Task ACollaboratorWhoseResultIsRefused_ExitsWith1_AndSaysWhyAndWhatToDo()
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 2);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var host = await workspace.StartAggregatorAsync(logs);
        await using (host)
        {
            using var stopAlpha = new CancellationTokenSource();
            var alpha = CollaboratorHost.RunAsync(
                new CollaboratorOptions
                {
                    WorkspaceDirectory = workspace.CollaboratorWorkspace("alpha"),
                    Name = "alpha",
                    AggregatorAddress = host.Address,
                    LoggerFactory = loggerFactory,
                },
                stopAlpha.Token);
            var beta = CollaboratorHost.RunAsync(new CollaboratorOptions
            {
                WorkspaceDirectory = workspace.CollaboratorWorkspace("beta"),
                Name = "beta",
                AggregatorAddress = host.Address,
                LoggerFactory = loggerFactory,
                Catalog = new TaskRunnerCatalog()
                    .Add(EchoTaskRunner.Registration with { Create = _ => new DivergedRunner() })
                    .AddDataLoader("none", SettingsSchema.Empty),
            });

            var exitCode = await beta.DefaultTimeout(TimeSpan.FromMinutes(1));

            Assert.Equal(1, exitCode);
            var error = Assert.Single(logs.Errors, e => e.Contains("refused what collaborator beta sent", StringComparison.Ordinal));
            Assert.Contains("NonFiniteValue", error, StringComparison.Ordinal);
            Assert.Contains("NaN", error, StringComparison.Ordinal);
            Assert.Contains("start it again", error, StringComparison.Ordinal);

            // The aggregator logged the refusal before answering, and serves on: alpha is still in the federation.
            Assert.Contains(logs.Messages, m => m.StartsWith("Refused task results from beta for train, round 1: NonFiniteValue:", StringComparison.Ordinal));
            Assert.False(alpha.IsCompleted);
            await stopAlpha.CancelAsync();
            var stopped = await Record.ExceptionAsync(() => alpha.DefaultTimeout());
            Assert.True(stopped is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, stopped?.ToString());
        }
    }

    [Fact]
    public async Task ARateLimitedCollaborator_SlowsDownAndRetries_AndTheFederationFinishes()
    {
        // Two calls at once and two a second: fewer than a round of this plan makes.
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 2, extraNetwork: "    limits:\n      request_burst: 2\n      max_requests_per_second: 2");
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var host = await workspace.StartAggregatorAsync(logs);
        await using (host)
        {
            var exitCode = await CollaboratorHost.RunAsync(new CollaboratorOptions
            {
                WorkspaceDirectory = workspace.CollaboratorWorkspace("alpha"),
                Name = "alpha",
                AggregatorAddress = host.Address,
                LoggerFactory = loggerFactory,
            }).DefaultTimeout(TimeSpan.FromMinutes(2));
            await host.Completion.DefaultTimeout();

            Assert.Equal(0, exitCode);
        }

        Assert.Contains(logs.Messages, m => m.StartsWith("The aggregator asks collaborator alpha to slow down (rate limit: collaborator 'alpha' made more than 2 requests", StringComparison.Ordinal) && m.Contains("retrying in", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("cannot reach the aggregator", StringComparison.Ordinal));
        Assert.Empty(logs.Errors);
    }

    /// <summary>Trains to NaN: the echo runner's result with every value of its train model replaced by NaN.</summary>
    private sealed class DivergedRunner : ITaskRunner
    {
        private readonly EchoTaskRunner _echo = new();

        public async ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
        {
            var result = await _echo.RunAsync(request, cancellationToken);
            if (result.Model is not { } model)
            {
                return result;
            }

            var diverged = model.Select(t =>
            {
                var copy = t.Clone();
                copy.AsSpan<float>().Fill(float.NaN);
                return copy;
            });
            return result with { Model = new ModelState(diverged) };
        }

        public void Dispose() => _echo.Dispose();
    }
}
