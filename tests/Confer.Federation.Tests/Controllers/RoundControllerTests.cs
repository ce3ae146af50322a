using Confer.Core;
using Confer.Federation.Messages;
using Confer.Federation.Clients;
using Confer.Federation.Controllers;
using Confer.Federation.Grid;
using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Federation.Tests.Controllers;

public class RoundControllerTests
{
    private static readonly string[] Names = ["Portland", "Seattle", "Chandler", "Bangalore"];

    [Fact]
    public async Task RunAsync_ClientThrows_RecordsAClientErrorAndAggregatesTheRest()
    {
        RoundRecord round = await RunOneRoundAsync(Bad("Seattle", (p, c, ct) => throw new InvalidOperationException("disk full")));

        ClientFailure failure = Assert.Single(round.FitFailures);
        Assert.Equal("Seattle", failure.ClientId);
        Assert.Equal(ReasonCode.ClientError, failure.Reason);
        Assert.Contains("disk full", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, round.FitResults);
        Assert.True(round.ParametersUpdated);
    }

    [Fact]
    public async Task RunAsync_FactoryThrows_RecordsAClientError()
    {
        ClientFactory factory = context => context.ClientId == "Chandler"
            ? throw new FileNotFoundException("no data for Chandler")
            : Good()(context);

        RoundRecord round = await RunOneRoundAsync(factory);

        Assert.Equal(ReasonCode.ClientError, Assert.Single(round.FitFailures).Reason);
        Assert.Equal(3, round.FitResults);
    }

    [Fact]
    public async Task RunAsync_WrongShape_RecordsALayoutMismatch()
    {
        RoundRecord round = await RunOneRoundAsync(Bad("Portland", (p, c, ct) => Task.FromResult(new FitResult(States.Vector(1f, 2f, 3f), 10))));

        ClientFailure failure = Assert.Single(round.FitFailures);
        Assert.Equal(ReasonCode.LayoutMismatch, failure.Reason);
        Assert.Contains("Portland", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NonFiniteParameters_RecordsANonFiniteValue()
    {
        RoundRecord round = await RunOneRoundAsync(Bad("Bangalore", (p, c, ct) => Task.FromResult(new FitResult(States.Vector(1f, float.PositiveInfinity), 10))));

        ClientFailure failure = Assert.Single(round.FitFailures);
        Assert.Equal(ReasonCode.NonFiniteValue, failure.Reason);
        Assert.Equal(3, round.FitResults);
    }

    [Fact]
    public async Task RunAsync_ZeroExamples_RecordsAnInvalidExampleCount()
    {
        RoundRecord round = await RunOneRoundAsync(Bad("Seattle", (p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 0))));

        Assert.Equal(ReasonCode.InvalidExampleCount, Assert.Single(round.FitFailures).Reason);
    }

    [Fact]
    public async Task RunAsync_NullParameters_RecordsAClientError()
    {
        RoundRecord round = await RunOneRoundAsync(Bad("Seattle", (p, c, ct) => Task.FromResult(new FitResult(null!, 3))));

        Assert.Equal(ReasonCode.ClientError, Assert.Single(round.FitFailures).Reason);
    }

    [Fact]
    public async Task RunAsync_FailuresNotAccepted_KeepsTheGlobalModel()
    {
        var initial = States.Vector(5f, 5f);
        var strategy = new FedAvg { InitialParameters = initial, FractionEvaluate = 0, AcceptFailures = false };
        var controller = new RoundController(strategy, Grid(Bad("Seattle", (p, c, ct) => throw new InvalidOperationException("x"))), new RoundControllerOptions { Rounds = 2 });

        History history = await controller.RunAsync().DefaultTimeout();

        Assert.All(history.Rounds, r => Assert.False(r.ParametersUpdated));
        Assert.Equal([5f, 5f], States.Values(history.Parameters));
    }

    [Fact]
    public async Task RunAsync_ClientExceedsTheRoundTimeout_RecordsATimeoutAndFinishesTheRound()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersFolded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ClientFactory factory = Bad("Bangalore", async (p, c, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FitResult(p.Clone(), 1);
        });
        var controller = new RoundController(
            new FedAvg { InitialParameters = States.Vector(0f, 0f), FractionEvaluate = 0 },
            Grid(factory),
            new RoundControllerOptions
            {
                Rounds = 1,
                RoundTimeout = TimeSpan.FromMinutes(5),
                TimeProvider = time,
                Progress = new CallbackProgress(p =>
                {
                    if (p.Phase == RoundPhase.Fit && p.Finished == 3)
                    {
                        othersFolded.TrySetResult();
                    }
                }),
            });

        // Bangalore is last in fold order, so three folded results mean only Bangalore is still at work.
        Task<History> run = controller.RunAsync();
        await Task.WhenAll(started.Task, othersFolded.Task).DefaultTimeout();
        time.Advance(TimeSpan.FromMinutes(5));
        History history = await run.DefaultTimeout();

        ClientFailure failure = Assert.Single(history.Rounds[0].FitFailures);
        Assert.Equal("Bangalore", failure.ClientId);
        Assert.Equal(ReasonCode.Timeout, failure.Reason);
        Assert.Contains("00:05:00", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, history.Rounds[0].FitResults);
        Assert.Equal(300, history.Rounds[0].Seconds);
    }

    [Fact]
    public async Task RunAsync_ClientIgnoringItsToken_IsAbandonedAtTheTimeout()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersFolded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        ClientFactory factory = Bad("Bangalore", (p, c, ct) =>
        {
            started.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return Task.FromResult(new FitResult(p.Clone(), 1));
        });
        var controller = new RoundController(
            new FedAvg { InitialParameters = States.Vector(0f, 0f), FractionEvaluate = 0 },
            Grid(factory),
            new RoundControllerOptions
            {
                Rounds = 1,
                RoundTimeout = TimeSpan.FromSeconds(10),
                TimeProvider = time,
                Progress = new CallbackProgress(p =>
                {
                    if (p.Phase == RoundPhase.Fit && p.Finished == 3)
                    {
                        othersFolded.TrySetResult();
                    }
                }),
            });

        Task<History> run = controller.RunAsync();
        await Task.WhenAll(started.Task, othersFolded.Task).DefaultTimeout();
        time.Advance(TimeSpan.FromSeconds(10));
        History history = await run.DefaultTimeout();
        release.Set();

        Assert.Equal(ReasonCode.Timeout, Assert.Single(history.Rounds[0].FitFailures).Reason);
    }

    [Fact]
    public async Task RunAsync_EvaluateFailures_AreRecordedPerClient()
    {
        ClientFactory factory = context => new DelegateClient(
            (p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 1)),
            (p, c, ct) => context.ClientId switch
            {
                "Portland" => Task.FromResult(new EvaluateResult(double.NaN, 10)),
                "Seattle" => Task.FromResult(new EvaluateResult(1.0, 0)),
                "Chandler" => throw new InvalidOperationException("broken"),
                _ => Task.FromResult(new EvaluateResult(2.0, 10)),
            });
        var controller = new RoundController(
            new FedAvg { InitialParameters = States.Vector(0f, 0f), MinEvaluateClients = 4 },
            Grid(factory),
            new RoundControllerOptions { Rounds = 1 });

        History history = await controller.RunAsync().DefaultTimeout();

        RoundRecord round = history.Rounds[0];
        Assert.Equal(
            [("Portland", ReasonCode.NonFiniteValue), ("Seattle", ReasonCode.InvalidExampleCount), ("Chandler", ReasonCode.ClientError)],
            round.EvaluateFailures.Select(f => (f.ClientId, f.Reason)));
        Assert.Equal(1, round.EvaluateResults);
        Assert.Equal(2.0, round.LossDistributed);
    }

    [Fact]
    public async Task RunAsync_ClientWithoutEvaluate_IsAnEvaluateFailure()
    {
        ClientFactory factory = _ => new FitOnlyClient();
        var controller = new RoundController(new FedAvg { InitialParameters = States.Vector(0f, 0f) }, Grid(factory), new RoundControllerOptions { Rounds = 1 });

        History history = await controller.RunAsync().DefaultTimeout();

        Assert.Equal(4, history.Rounds[0].FitResults);
        Assert.All(history.Rounds[0].EvaluateFailures, f => Assert.Contains("FractionEvaluate", f.Message, StringComparison.Ordinal));
        Assert.Null(history.Rounds[0].LossDistributed);
    }

    [Fact]
    public async Task RunAsync_TooFewClients_ThrowsBeforeAnyClientIsCreated()
    {
        var counter = new InstanceCounter();
        ClientFactory factory = _ => new DelegateClient((p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 1)), counter: counter);
        var strategy = new FedAvg { InitialParameters = States.Vector(0f), MinFitClients = 10, MinAvailableClients = 10 };

        var error = await Assert.ThrowsAsync<NotEnoughClientsException>(() => Simulation.RunAsync(factory, strategy, new SimulationOptions { ClientCount = 4 })).DefaultTimeout();

        Assert.Contains("at least 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, counter.CreatedCount);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsCleanlyWithNoClientLeftRunning()
    {
        using var cts = new CancellationTokenSource();
        var counter = new InstanceCounter();
        int fits = 0;
        ClientFactory factory = _ => new DelegateClient(
            async (p, c, ct) =>
            {
                if (Interlocked.Increment(ref fits) == 5)
                {
                    await cts.CancelAsync();
                }

                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return new FitResult(p.Clone(), 1);
            },
            counter: counter);

        Task<History> run = Simulation.RunAsync(factory, new FedAvg { InitialParameters = States.Vector(0f) }, new SimulationOptions { ClientCount = 50, Rounds = 3, MaxParallelClients = 5 }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).DefaultTimeout();
        Assert.Equal(0, counter.Alive);
        Assert.Equal(5, counter.CreatedCount);
    }

    [Fact]
    public async Task RunAsync_ClientWritesIntoTheGlobalModel_FailsTheRunWithAClearMessage()
    {
        ClientFactory factory = _ => new DelegateClient((p, c, ct) =>
        {
            p["w"].AsSpan<float>()[0] += 1;
            return Task.FromResult(new FitResult(p.Clone(), 1));
        });
        var controller = new RoundController(new FedAvg { InitialParameters = States.Vector(0f), FractionEvaluate = 0 }, new InMemoryGrid(2, node => new ClientMessageHandler(factory, node)), new RoundControllerOptions { Rounds = 1 });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => controller.RunAsync()).DefaultTimeout();

        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Progress_ReportsEveryClientAndEveryRound()
    {
        var reports = new List<RoundProgress>();
        var progress = new SynchronousProgress(reports);

        await Simulation.RunAsync(Good(), new FedAvg { InitialParameters = States.Vector(0f, 0f), FractionEvaluate = 0 }, new SimulationOptions { ClientIds = Names, Rounds = 2, Progress = progress }).DefaultTimeout();

        lock (reports)
        {
            Assert.Equal(8, reports.Count(r => r.Phase == RoundPhase.Fit));
            Assert.Equal([1, 2], reports.Where(r => r.Phase == RoundPhase.Completed).Select(r => r.Record!.Round));
        }
    }

    private static async Task<RoundRecord> RunOneRoundAsync(ClientFactory factory)
    {
        var controller = new RoundController(
            new FedAvg { InitialParameters = States.Vector(0f, 0f), FractionEvaluate = 0 },
            Grid(factory),
            new RoundControllerOptions { Rounds = 1 });
        History history = await controller.RunAsync().DefaultTimeout();
        return history.Rounds[0];
    }

    private static InMemoryGrid Grid(ClientFactory factory) =>
        new(Names, node => new ClientMessageHandler(factory, node), new InMemoryGridOptions { MaxParallel = 4 });

    private static ClientFactory Good() =>
        context => new DelegateClient((p, c, ct) => Task.FromResult(new FitResult(States.Vector(context.PartitionId, 1f), 10)));

    private static ClientFactory Bad(string who, Func<ModelState, ConfigRecord, CancellationToken, Task<FitResult>> fit) =>
        context => context.ClientId == who ? new DelegateClient(fit) : Good()(context);

    private sealed class FitOnlyClient : Client
    {
        public override ModelState GetParameters(ConfigRecord config) => States.Vector(0f, 0f);

        public override FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken) => new(parameters.Clone(), 1);
    }

    private sealed class CallbackProgress(Action<RoundProgress> callback) : IProgress<RoundProgress>
    {
        public void Report(RoundProgress value) => callback(value);
    }

    private sealed class SynchronousProgress(List<RoundProgress> reports) : IProgress<RoundProgress>
    {
        public void Report(RoundProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
