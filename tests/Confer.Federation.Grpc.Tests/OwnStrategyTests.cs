using System.Net;
using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.Messages;
using Confer.Federation.Strategies;
using Confer.Plan;
using Confer.Testing;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>
/// A strategy that exists only in the host's own code, registered under a name, drives a real
/// federation over mutual TLS when the plan names it; and what the engine refuses carries the
/// same reason codes in C# and on the wire.
/// </summary>
public class OwnStrategyTests
{
    [Fact]
    public async Task AHostsOwnStrategy_NamedInThePlan_DrivesARealFederation()
    {
        var strategies = LastWriterRegistry();
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 2, strategy: "last_writer", trainStep: 0.01, strategies: strategies);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var host = await AggregatorHost.StartAsync(new AggregatorOptions
        {
            WorkspaceDirectory = workspace.AggregatorWorkspace,
            ListenAddress = IPAddress.Loopback,
            Port = 0,
            Strategies = strategies,
            ConfigureLogging = b => b.AddProvider(logs),
        }).DefaultTimeout();
        await using (host)
        {
            int[] codes = await Task.WhenAll(workspace.Collaborators.Select(name => CollaboratorHost.RunAsync(new CollaboratorOptions
            {
                WorkspaceDirectory = workspace.CollaboratorWorkspace(name),
                Name = name,
                AggregatorAddress = host.Address,
                Strategies = strategies,
                LoggerFactory = loggerFactory,
            }))).DefaultTimeout(TimeSpan.FromMinutes(1));
            await host.Completion.DefaultTimeout(TimeSpan.FromMinutes(1));
            Assert.All(codes, c => Assert.Equal(0, c));
        }

        // Each round's model is beta's (the last in fold order), not the mean.
        Assert.Contains(logs.Messages, m => m.Contains("models aggregated with last_writer", StringComparison.Ordinal));
        Assert.Equal(2, LastWriter.Taken.Count(n => n == "beta"));
        Assert.DoesNotContain("alpha", LastWriter.Taken);
    }

    [Fact]
    public async Task ARobustStrategyWhoseUpdatesExceedTheMemoryLimit_IsRefusedBeforeTheAggregatorStarts()
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 1, strategy: "median");
        string planFile = Path.Combine(workspace.AggregatorWorkspace, "plan", "plan.yaml");
        File.WriteAllText(planFile, File.ReadAllText(planFile).Replace("    write_logs: false\n", "    write_logs: false\n    max_aggregation_memory: 4096\n", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AggregatorHost.StartAsync(new AggregatorOptions
        {
            WorkspaceDirectory = workspace.AggregatorWorkspace,
            ListenAddress = IPAddress.Loopback,
            Port = 0,
        })).DefaultTimeout();

        Assert.Contains("holds every update of a round: 2 collaborators ×", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_aggregation_memory (4,096 bytes)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.AggregatorWorkspace, "save", "federation", "round_1")));
    }

    [Fact]
    public void ReasonCodes_AreTheSameInCSharpAndInTheProto()
    {
        Assert.Equal(
            Enum.GetValues<ReasonCode>().Select(c => ((int)c, c.ToString())),
            Enum.GetValues<Protos.V2.ReasonCode>().Select(c => ((int)c, c.ToString())));
        var refusal = Refusal.Create(global::Grpc.Core.StatusCode.FailedPrecondition, ReasonCode.StaleRound, "late");
        Assert.Equal(ReasonCode.StaleRound, Refusal.ReasonOf(refusal));
    }

    private static StrategyRegistry LastWriterRegistry() => StrategyRegistry.CreateDefault().Register(new StrategyRegistration
    {
        Name = "last_writer",
        Settings = SettingsSchema.Empty,
        Create = _ => new LastWriter(),
        Description = "Takes the last model folded: a test of a host's own strategy.",
    });

    /// <summary>A strategy of the host's own: the round's model is the last one folded.</summary>
    private sealed class LastWriter : IStrategy
    {
        public static List<string> Taken { get; } = [];

        public string Name => "LastWriter";

        public int RequiredClients => 1;

        public Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default) => Task.FromResult<ModelState?>(null);

        public IReadOnlyList<Message> ConfigureTrain(int round, ModelState parameters, IClientManager clients) =>
            [.. clients.Sample(clients.AvailableCount, 1).Select(n => new Message { NodeId = n, Kind = MessageKinds.Train, Round = round, Arrays = ArrayRecord.From(parameters) })];

        public ITrainAggregation BeginAggregateTrain(int round, ModelState parameters) => new Aggregation();

        public IReadOnlyList<Message> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients) => [];

        public IEvaluateAggregation BeginAggregateEvaluate(int round) => throw new InvalidOperationException("no evaluation");

        public Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default) => Task.FromResult<CentralizedEvaluation?>(null);

        private sealed class Aggregation : ITrainAggregation
        {
            private (string Node, ModelState State)? _last;

            public void Add(Message reply) => _last = (reply.NodeId, reply.Arrays!.ToModelState());

            public TrainAggregate Complete(IReadOnlyList<ClientFailure> failures, ModelState? reusable = null)
            {
                lock (Taken)
                {
                    Taken.Add(_last!.Value.Node);
                }

                return new TrainAggregate(_last.Value.State, MetricRecord.Empty);
            }
        }
    }
}
