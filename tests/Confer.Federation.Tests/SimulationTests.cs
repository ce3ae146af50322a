using Confer.Core;
using Confer.Federation.Clients;
using Confer.Federation.Messages;
using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Federation.Tests;

public class SimulationTests
{
    [Fact]
    public async Task RunAsync_SameSeed_SameHistoryBitForBit_WhateverTheParallelism()
    {
        string first = await RunNoisyAsync(seed: 7, parallel: 4);
        string second = await RunNoisyAsync(seed: 7, parallel: 4);
        string sequential = await RunNoisyAsync(seed: 7, parallel: 1);

        Assert.Equal(first, second);
        Assert.Equal(first, sequential);
    }

    [Fact]
    public async Task RunAsync_OtherSeed_SamplesOtherClients()
    {
        string a = await RunNoisyAsync(seed: 7, parallel: 2);
        string b = await RunNoisyAsync(seed: 8, parallel: 2);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task RunAsync_FedAvgOverFourClients_MovesTowardsTheirTargets()
    {
        // Each client pulls the model half-way to its own target; FedAvg ends near the example-weighted target.
        float[] targets = [0f, 1f, 2f, 3f];
        long[] examples = [1, 1, 1, 5];
        ClientFactory factory = context => new DelegateClient((p, c, ct) =>
        {
            float current = p["w"].AsReadOnlySpan<float>()[0];
            float next = current + (0.5f * (targets[context.PartitionId] - current));
            return Task.FromResult(new FitResult(States.Vector(next), examples[context.PartitionId]));
        });

        History history = await Simulation.RunAsync(
            factory,
            new FedAvg { InitialParameters = States.Vector(0f), FractionEvaluate = 0 },
            new SimulationOptions { ClientIds = ["Portland", "Seattle", "Chandler", "Bangalore"], Rounds = 20 }).DefaultTimeout();

        // Weighted target: (0 + 1 + 2 + 15) / 8 = 2.25.
        Assert.Equal(2.25f, States.Values(history.Parameters)[0], 4);
        Assert.Equal(20, history.Rounds.Count);
        Assert.All(history.Rounds, r => Assert.Equal(4, r.FitResults));
    }

    [Fact]
    public async Task RunAsync_CentralizedAndDistributedEvaluation_FillTheHistory()
    {
        var evaluatedRounds = new List<int>();
        var strategy = new FedAvg
        {
            InitialParameters = States.Vector(1f),
            FractionEvaluate = 0.5,
            MinEvaluateClients = 2,
            EvaluateMetricsAggregation = MetricsAggregation.WeightedAverage,
            Evaluate = (round, parameters, config, ct) =>
            {
                evaluatedRounds.Add(round);
                return Task.FromResult<CentralizedEvaluation?>(new CentralizedEvaluation(round * 0.5, MetricRecord.Of("accuracy", round / 10.0)));
            },
        };
        ClientFactory factory = context => new DelegateClient(
            (p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 1)),
            (p, c, ct) => Task.FromResult(new EvaluateResult(context.PartitionId, 1, MetricRecord.Of("accuracy", 0.5))));

        History history = await Simulation.RunAsync(factory, strategy, new SimulationOptions { ClientCount = 4, Rounds = 3 }).DefaultTimeout();

        Assert.Equal([0, 1, 2, 3], evaluatedRounds);
        Assert.Equal(0, history.InitialEvaluation!.Loss);
        Assert.Equal([(0, 0.0), (1, 0.5), (2, 1.0), (3, 1.5)], history.LossesCentralized);
        Assert.Equal([(1, 0.1), (2, 0.2), (3, 0.3)], history.MetricsCentralized["accuracy"].Skip(1));
        Assert.All(history.Rounds, r => Assert.Equal(2, r.EvaluateResults));
        Assert.Equal(3, history.LossesDistributed.Count);
        Assert.All(history.MetricsDistributed["accuracy"], p => Assert.Equal(0.5, p.Value));
    }

    [Fact]
    public async Task RunAsync_NoInitialParameters_TakesThemFromOneClient()
    {
        var counter = new InstanceCounter();
        ClientFactory factory = _ => new DelegateClient((p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 1)), parameters: () => States.Vector(42f), counter: counter);

        History history = await Simulation.RunAsync(factory, new FedAvg { FractionEvaluate = 0 }, new SimulationOptions { ClientCount = 3, Rounds = 1 }).DefaultTimeout();

        Assert.Equal(42f, States.Values(history.Parameters)[0]);
        Assert.Equal(0, counter.Alive);
    }

    [Fact]
    public async Task RunAsync_ManyVirtualClients_KeepsOnlyTheClientsAtWorkAlive()
    {
        var counter = new InstanceCounter();
        ClientFactory factory = _ => new DelegateClient(
            async (p, c, ct) =>
            {
                await Task.Yield();
                return new FitResult(p.Clone(), 1);
            },
            counter: counter);

        await Simulation.RunAsync(
            factory,
            new FedAvg { InitialParameters = States.Vector(0f), FractionFit = 0.1, FractionEvaluate = 0 },
            new SimulationOptions { ClientCount = 2000, Rounds = 3, MaxParallelClients = 3 }).DefaultTimeout();

        Assert.Equal(600, counter.CreatedCount);
        Assert.InRange(counter.MaxAlive, 1, 3);
        Assert.Equal(0, counter.Alive);
    }

    [Fact]
    public async Task RunAsync_ResultsWaitingToBeFolded_NeverExceedFourTimesTheParallelism()
    {
        // The first client of the round is slow; the others finish at once and must not pile up.
        int waiting = 0;
        int maxWaiting = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ClientFactory factory = context => new DelegateClient(async (p, c, ct) =>
        {
            if (context.PartitionId == 0)
            {
                await gate.Task.WaitAsync(ct);
            }
            else if (context.PartitionId == 10)
            {
                gate.TrySetResult();
            }

            int now = Interlocked.Increment(ref waiting);
            InterlockedMax(ref maxWaiting, now);
            return new FitResult(p.Clone(), 1);
        });
        var strategy = new CountingStrategy(new FedAvg { InitialParameters = States.Vector(0f), FractionEvaluate = 0 }, () => Interlocked.Decrement(ref waiting));

        // 10 must be started while 0 is still running for the gate to open; the window (2 × 8) allows it.
        History history = await Simulation.RunAsync(factory, strategy, new SimulationOptions { ClientCount = 100, Rounds = 1, MaxParallelClients = 8 }).DefaultTimeout();

        // The window (16 tasks past the first reply not pulled) plus, while the controller folds
        // the replies it held behind the slow first one, the next window's worth.
        Assert.Equal(100, history.Rounds[0].FitResults);
        Assert.InRange(maxWaiting, 1, 32);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task<string> RunNoisyAsync(int seed, int parallel)
    {
        // Clients finish in an order that depends on thread timing; results differ per client and round
        // so any change in sampling or fold order changes the bits of the global model.
        ClientFactory factory = context => new DelegateClient(
            (p, c, ct) =>
            {
                Thread.SpinWait(((context.PartitionId * 7919) % 13) * 2000);
                float[] w = p["w"].AsReadOnlySpan<float>().ToArray();
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] += MathF.Sin((context.PartitionId * 31) + i + (float)c.GetInt64("round", 0)) * 0.1f;
                }

                return Task.FromResult(new FitResult(States.Vector(w), 3 + context.PartitionId, MetricRecord.Of("train_loss", 1.0 / (1 + context.PartitionId))));
            },
            (p, c, ct) => Task.FromResult(new EvaluateResult(p["w"].AsReadOnlySpan<float>()[0] + (context.PartitionId * 0.01), 5 + context.PartitionId, MetricRecord.Of("accuracy", context.PartitionId / 20.0))));
        var strategy = new FedAdam
        {
            InitialParameters = States.Vector(0.1f, 0.2f, 0.3f, 0.4f, 0.5f),
            FractionFit = 0.3,
            FractionEvaluate = 0.25,
            OnFitConfig = round => new ConfigRecord([new("round", round)]),
            FitMetricsAggregation = MetricsAggregation.WeightedAverage,
            EvaluateMetricsAggregation = MetricsAggregation.WeightedAverage,
        };
        History history = await Simulation.RunAsync(
            factory,
            strategy,
            new SimulationOptions { ClientCount = 20, Rounds = 4, Seed = seed, MaxParallelClients = parallel, TimeProvider = new FakeTimeProvider() }).DefaultTimeout();
        return history.ToJson() + history.Parameters.ComputeHash();
    }

    /// <summary>Wraps a strategy and calls back after each result is folded.</summary>
    private sealed class CountingStrategy(IStrategy inner, Action folded) : IStrategy
    {
        public string Name => inner.Name;

        public int RequiredClients => inner.RequiredClients;

        public Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default) => inner.InitializeParametersAsync(cancellationToken);

        public IReadOnlyList<Message> ConfigureTrain(int round, ModelState parameters, IClientManager clients) => inner.ConfigureTrain(round, parameters, clients);

        public ITrainAggregation BeginAggregateTrain(int round, ModelState parameters) => new Counting(inner.BeginAggregateTrain(round, parameters), folded);

        public IReadOnlyList<Message> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients) => inner.ConfigureEvaluate(round, parameters, clients);

        public IEvaluateAggregation BeginAggregateEvaluate(int round) => inner.BeginAggregateEvaluate(round);

        public Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default) => inner.EvaluateAsync(round, parameters, cancellationToken);

        private sealed class Counting(ITrainAggregation aggregation, Action folded) : ITrainAggregation
        {
            public void Add(Message reply)
            {
                aggregation.Add(reply);
                folded();
            }

            public TrainAggregate Complete(IReadOnlyList<ClientFailure> failures, ModelState? reusable = null) => aggregation.Complete(failures, reusable);
        }
    }
}
