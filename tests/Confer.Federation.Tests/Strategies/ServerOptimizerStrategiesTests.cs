using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Strategies;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Strategies;

/// <summary>
/// First steps of the adaptive strategies written out by hand: with their defaults, Flower's
/// formulas (v starts at 0; FedAdam's η bias-corrected as in Flower 1.13+) and Flower's own unit
/// test values; with the paper's options, Reddi et al. 2021, Algorithm 2: m₀ = 0, v₋₁ = τ²,
/// Δ = mean − x, m = β₁m + (1 − β₁)Δ, v by the strategy's rule, x' = x + η·m / (√v + τ).
/// </summary>
public class ServerOptimizerStrategiesTests
{
    // Global x = [1, 2]; two clients with equal weight average to [1.5, 1] so Δ = [0.5, −1].
    private static readonly float[] Global = [1f, 2f];
    private static readonly (float[], long)[] Results = [([1f, 0.5f], 10), ([2f, 1.5f], 10)];

    [Fact]
    public void FedAdam_Defaults_FollowFlowersBiasCorrectedStep()
    {
        var strategy = new FedAdam();

        float[] next = Step(strategy);

        // Flower: v starts at 0, and round 1's η is 0.1 · √(1 − 0.99²) / (1 − 0.9²).
        double scale = Math.Sqrt(1 - (0.99 * 0.99)) / (1 - (0.9 * 0.9));
        for (int i = 0; i < 2; i++)
        {
            double delta = Delta(i);
            double m = 0.1 * delta;
            double v = 0.01 * delta * delta;
            Assert.Equal(Global[i] + (0.1 * scale * m / (Math.Sqrt(v) + 1e-9)), next[i], 5);
        }
    }

    [Fact]
    public void FedAdagrad_FlowersOwnTestCase_GivesFlowersValue()
    {
        // flwr/server/strategy/fedadagrad_test.py: eta 0.1, tau 0.5, from 0.1 with clients at 0.2 and 1.0.
        var strategy = new FedAdagrad { Eta = 0.1, Tau = 0.5 };

        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(0.1f, 0.1f, 0.1f, 0.1f), null, ([0.2f, 0.2f, 0.2f, 0.2f], 5), ([1f, 1f, 1f, 1f], 5));

        Assert.All(States.Values(result.Parameters!), v => Assert.Equal(0.15f, v));
    }

    [Fact]
    public void FedAdam_PaperOptions_FirstStep_FollowsThePapersRule()
    {
        var strategy = new FedAdam { Eta = 0.1, Beta1 = 0.9, Beta2 = 0.99, Tau = 1e-9, BiasCorrection = false, SecondMomentStart = SecondMomentStart.TauSquared };

        float[] next = Step(strategy);

        for (int i = 0; i < 2; i++)
        {
            double delta = Delta(i);
            double m = 0.1 * delta;
            double v = (0.99 * 1e-18) + (0.01 * delta * delta);
            Assert.Equal(Global[i] + (0.1 * m / (Math.Sqrt(v) + 1e-9)), next[i], 5);
        }

        // Adam's first step moves every element by η·(1 − β₁)/√(1 − β₂) = 0.1 towards the mean.
        Assert.Equal(1.1f, next[0], 5);
        Assert.Equal(1.9f, next[1], 5);
    }

    [Fact]
    public void FedYogi_PaperStart_FirstStep_FollowsThePapersRule()
    {
        var strategy = new FedYogi { Eta = 0.01, Beta1 = 0.9, Beta2 = 0.99, Tau = 1e-3, SecondMomentStart = SecondMomentStart.TauSquared };

        float[] next = Step(strategy);

        for (int i = 0; i < 2; i++)
        {
            double delta = Delta(i);
            double m = 0.1 * delta;
            double v0 = 1e-6;
            double v = v0 - (0.01 * delta * delta * Math.Sign(v0 - (delta * delta)));
            Assert.Equal(Global[i] + (0.01 * m / (Math.Sqrt(v) + 1e-3)), next[i], 5);
        }
    }

    [Fact]
    public void FedAdagrad_PaperStart_FirstStep_FollowsThePapersRule()
    {
        var strategy = new FedAdagrad { Eta = 0.1, Beta1 = 0.0, Tau = 1e-9, SecondMomentStart = SecondMomentStart.TauSquared };

        float[] next = Step(strategy);

        for (int i = 0; i < 2; i++)
        {
            double delta = Delta(i);
            double v = 1e-18 + (delta * delta);
            Assert.Equal(Global[i] + (0.1 * delta / (Math.Sqrt(v) + 1e-9)), next[i], 5);
        }
    }

    [Fact]
    public void FedAdam_SecondRound_UsesTheMomentsOfTheFirst()
    {
        var strategy = new FedAdam { Eta = 0.1, Beta1 = 0.9, Beta2 = 0.99, Tau = 1e-9, BiasCorrection = false, SecondMomentStart = SecondMomentStart.TauSquared };
        float[] x1 = Step(strategy);

        // Round 2: clients agree on [2, 2], so Δ₂ = [2, 2] − x₁.
        ModelState global2 = States.Vector(x1);
        TrainAggregate second = StrategyDriver.AggregateFit(strategy, 2, global2, null, ([2f, 2f], 1));
        float[] x2 = States.Values(second.Parameters!);

        for (int i = 0; i < 2; i++)
        {
            double d1 = Delta(i);
            double m1 = 0.1 * d1;
            double v1 = (0.99 * 1e-18) + (0.01 * d1 * d1);
            double d2 = 2 - x1[i];
            double m2 = (0.9 * m1) + (0.1 * d2);
            double v2 = (0.99 * v1) + (0.01 * d2 * d2);
            Assert.Equal(x1[i] + (0.1 * m2 / (Math.Sqrt(v2) + 1e-9)), x2[i], 5);
        }
    }

    [Fact]
    public void FedAvgM_TwoRounds_AppliesServerMomentum()
    {
        var strategy = new FedAvgM { ServerLearningRate = 1.0, ServerMomentum = 0.9 };

        // Round 1: u = Δ₁, x₁ = x₀ + u = the mean.
        float[] x1 = Step(strategy);
        Assert.Equal([1.5f, 1f], x1);

        // Round 2: mean [2, 2], Δ₂ = [0.5, 1]; u = 0.9·Δ₁ + Δ₂ = [0.95, 0.1]; x₂ = x₁ + u.
        TrainAggregate second = StrategyDriver.AggregateFit(strategy, 2, States.Vector(x1), null, ([2f, 2f], 1));
        float[] x2 = States.Values(second.Parameters!);
        Assert.Equal(2.45f, x2[0], 5);
        Assert.Equal(1.1f, x2[1], 5);
    }

    [Fact]
    public void FedAvgM_Defaults_IsFedAvg()
    {
        float[] next = Step(new FedAvgM());

        Assert.Equal([1.5f, 1f], next);
    }

    [Fact]
    public void FedProx_ConfigureFit_SendsProximalMu()
    {
        var strategy = new FedProx { ProximalMu = 0.1, OnFitConfig = _ => new ConfigRecord([new("local_epochs", 1)]) };

        var assignments = strategy.ConfigureTrain(1, States.Vector(1f), new FixedClientManager(3));

        Assert.All(assignments, a => Assert.Equal(0.1, a.Config.GetDouble(FedProx.ProximalMuKey, -1)));
        Assert.All(assignments, a => Assert.Equal(1, a.Config.GetInt64("local_epochs", -1)));
    }

    [Fact]
    public void FedProx_AggregateFit_IsTheWeightedMean()
    {
        float[] next = Step(new FedProx { ProximalMu = 1.0 });

        Assert.Equal([1.5f, 1f], next);
    }

    private static double Delta(int i) => (i == 0 ? 1.5 : 1.0) - Global[i];

    private static float[] Step(IStrategy strategy)
    {
        TrainAggregate result = StrategyDriver.AggregateFit(strategy, 1, States.Vector(Global), null, Results);
        return States.Values(result.Parameters!);
    }
}
