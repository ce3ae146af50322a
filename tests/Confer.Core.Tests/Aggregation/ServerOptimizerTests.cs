using Confer.Core.Aggregation;

namespace Confer.Core.Tests.Aggregation;

public class ServerOptimizerTests
{
    // x_0 and the round's aggregate: Δ = [0.5, −0.5, 0, 2].
    private static readonly double[] X0 = [1.0, -2.0, 0.5, 0.0];
    private static readonly double[] Aggregated1 = [1.5, -2.5, 0.5, 2.0];
    private static readonly double[] Aggregated2 = [1.0, -2.0, 1.0, 1.0];

    [Fact]
    public void FedAdam_Defaults_MatchFlowersFormulaWithBiasCorrection()
    {
        var optimizer = new FedAdamOptimizer();

        double[] x1 = Step(optimizer, X0, Aggregated1);
        double[] x2 = Step(optimizer, x1, Aggregated2);

        // Flower 1.13+ (flwr.server.strategy.FedAdam): m and v start at 0; in round r, η is scaled by
        // √(1 − β₂^(r+1)) / (1 − β₁^(r+1)).
        double[] expected1 = new double[4];
        double[] expected2 = new double[4];
        double scale1 = Math.Sqrt(1 - Math.Pow(0.99, 2)) / (1 - Math.Pow(0.9, 2));
        double scale2 = Math.Sqrt(1 - Math.Pow(0.99, 3)) / (1 - Math.Pow(0.9, 3));
        for (int i = 0; i < 4; i++)
        {
            double d1 = Aggregated1[i] - X0[i];
            double m1 = 0.1 * d1;
            double v1 = 0.01 * d1 * d1;
            expected1[i] = X0[i] + (0.1 * scale1 * m1 / (Math.Sqrt(v1) + 1e-9));
            double d2 = Aggregated2[i] - expected1[i];
            double m2 = (0.9 * m1) + (0.1 * d2);
            double v2 = (0.99 * v1) + (0.01 * d2 * d2);
            expected2[i] = expected1[i] + (0.1 * scale2 * m2 / (Math.Sqrt(v2) + 1e-9));
        }

        AssertClose(expected1, x1);
        AssertClose(expected2, x2);
    }

    [Fact]
    public void FedAdam_RoundGiven_ScalesByThatRound()
    {
        var first = new FedAdamOptimizer();
        var later = new FedAdamOptimizer();
        ModelState global = State(X0);

        ModelState roundOne = first.Step(global, State(Aggregated1), round: 1);
        ModelState roundFive = later.Step(global, State(Aggregated1), round: 5);

        // The same first step, scaled by round 5's bias correction instead of round 1's.
        double ratio = (Math.Sqrt(1 - Math.Pow(0.99, 6)) / (1 - Math.Pow(0.9, 6))) / (Math.Sqrt(1 - Math.Pow(0.99, 2)) / (1 - Math.Pow(0.9, 2)));
        double moved1 = roundOne[0].AsReadOnlySpan<double>()[0] - X0[0];
        double moved5 = roundFive[0].AsReadOnlySpan<double>()[0] - X0[0];
        Assert.Equal(ratio, moved5 / moved1, 9);
    }

    [Fact]
    public void FedAdam_PaperOptions_FirstTwoSteps_MatchPaperUpdateRule()
    {
        var optimizer = new FedAdamOptimizer(biasCorrection: false, secondMomentStart: SecondMomentStart.TauSquared);

        double[] x1 = Step(optimizer, X0, Aggregated1);
        double[] x2 = Step(optimizer, x1, Aggregated2);

        // Algorithm 2 by hand with η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-9, m₋₁ = 0, v₋₁ = τ².
        double[] expected1 = new double[4];
        double[] expected2 = new double[4];
        for (int i = 0; i < 4; i++)
        {
            double d1 = Aggregated1[i] - X0[i];
            double m1 = 0.1 * d1;
            double v1 = (0.99 * 1e-18) + (0.01 * d1 * d1);
            expected1[i] = X0[i] + (0.1 * m1 / (Math.Sqrt(v1) + 1e-9));
            double d2 = Aggregated2[i] - expected1[i];
            double m2 = (0.9 * m1) + (0.1 * d2);
            double v2 = (0.99 * v1) + (0.01 * d2 * d2);
            expected2[i] = expected1[i] + (0.1 * m2 / (Math.Sqrt(v2) + 1e-9));
        }

        AssertClose(expected1, x1);
        AssertClose(expected2, x2);
        // The first Adam step moves each coordinate by about η·0.1·sign(Δ)/0.1 = η·sign(Δ).
        AssertClose([1.1, -2.1, 0.5, 0.1], x1, 1e-7);
        Assert.Equal(2, optimizer.StepCount);
    }

    [Fact]
    public void FedYogi_Defaults_StartTheSecondMomentAtZeroAsFlower()
    {
        var optimizer = new FedYogiOptimizer();

        double[] x1 = Step(optimizer, X0, Aggregated1);

        // v₋₁ = 0: v₀ = 0 − 0.01·Δ²·sign(0 − Δ²) = 0.01·Δ².
        double[] expected =
        [
            1.0 + (0.01 * 0.05 / (Math.Sqrt(0.01 * 0.25) + 1e-3)),
            -2.0 - (0.01 * 0.05 / (Math.Sqrt(0.01 * 0.25) + 1e-3)),
            0.5,
            0.0 + (0.01 * 0.2 / (Math.Sqrt(0.01 * 4.0) + 1e-3)),
        ];
        AssertClose(expected, x1);
    }

    [Fact]
    public void FedYogi_PaperStart_FirstStep_MatchesPaperUpdateRule()
    {
        var optimizer = new FedYogiOptimizer(secondMomentStart: SecondMomentStart.TauSquared);

        double[] x1 = Step(optimizer, X0, Aggregated1);

        // η = 0.01, β₁ = 0.9, β₂ = 0.99, τ = 1e-3, v₋₁ = τ² = 1e-6; sign(v₋₁ − Δ²) = −1 where Δ ≠ 0, 0 where Δ = 0.
        double[] expected =
        [
            1.0 + (0.01 * 0.05 / (Math.Sqrt(1e-6 + (0.01 * 0.25)) + 1e-3)),
            -2.0 - (0.01 * 0.05 / (Math.Sqrt(1e-6 + (0.01 * 0.25)) + 1e-3)),
            0.5,
            0.0 + (0.01 * 0.2 / (Math.Sqrt(1e-6 + (0.01 * 4.0)) + 1e-3)),
        ];
        AssertClose(expected, x1);
        AssertClose([1.0098020, -2.0098020, 0.5, 0.0099501], x1, 1e-7);
    }

    [Fact]
    public void FedAdagrad_FlowersOwnUnitTest_GivesFlowersValue()
    {
        // flwr/server/strategy/fedadagrad_test.py: from 0.1, two clients at 0.2 and 1.0 with 5
        // examples each, eta 0.1, tau 0.5, in float32: exactly 0.15.
        var optimizer = new FedAdagradOptimizer(eta: 0.1, tau: 0.5);
        var global = new ModelState([NamedTensor.Create<float>("w", [4], [0.1f, 0.1f, 0.1f, 0.1f])]);
        var mean = new ModelState([NamedTensor.Create<float>("w", [4], [0.6f, 0.6f, 0.6f, 0.6f])]);

        ModelState next = optimizer.Step(global, mean);

        Assert.All(next["w"].AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(0.15f, v));
    }

    [Fact]
    public void FedAdagrad_PaperStart_FirstTwoSteps_MatchPaperUpdateRule()
    {
        var optimizer = new FedAdagradOptimizer(secondMomentStart: SecondMomentStart.TauSquared);

        double[] x1 = Step(optimizer, X0, Aggregated1);
        double[] x2 = Step(optimizer, x1, Aggregated2);

        // β₁ = 0: m = Δ; v accumulates Δ² from τ² = 1e-18; η = 0.1, τ = 1e-9.
        for (int i = 0; i < 4; i++)
        {
            double d1 = Aggregated1[i] - X0[i];
            double v1 = 1e-18 + (d1 * d1);
            double e1 = X0[i] + (0.1 * d1 / (Math.Sqrt(v1) + 1e-9));
            double d2 = Aggregated2[i] - e1;
            double v2 = v1 + (d2 * d2);
            double e2 = e1 + (0.1 * d2 / (Math.Sqrt(v2) + 1e-9));
            Assert.Equal(e1, x1[i], 12);
            Assert.Equal(e2, x2[i], 12);
        }
    }

    [Fact]
    public void FedAvgM_Defaults_ReturnsTheAggregatedModel()
    {
        var optimizer = new FedAvgMOptimizer();

        AssertClose(Aggregated1, Step(optimizer, X0, Aggregated1), 0);
        Assert.Equal(1.0, optimizer.ServerLearningRate);
        Assert.Equal(0.0, optimizer.ServerMomentum);
    }

    [Fact]
    public void FedAvgM_WithMomentum_FirstTwoStepsMatchHandComputedValues()
    {
        var optimizer = new FedAvgMOptimizer(serverLearningRate: 0.5, serverMomentum: 0.9);

        double[] x1 = Step(optimizer, X0, Aggregated1);
        double[] x2 = Step(optimizer, x1, Aggregated2);

        for (int i = 0; i < 4; i++)
        {
            double u1 = Aggregated1[i] - X0[i];
            double e1 = X0[i] + (0.5 * u1);
            double u2 = (0.9 * u1) + (Aggregated2[i] - e1);
            Assert.Equal(e1, x1[i], 14);
            Assert.Equal(e1 + (0.5 * u2), x2[i], 14);
        }
    }

    [Fact]
    public void Step_IntegerTensor_TakesTheAggregatedValue()
    {
        var global = new ModelState([NamedTensor.Create<double>("bn.weight", [1], [1.0]), NamedTensor.Create<long>("bn.num_batches_tracked", [], [100])]);
        var aggregated = new ModelState([NamedTensor.Create<double>("bn.weight", [1], [2.0]), NamedTensor.Create<long>("bn.num_batches_tracked", [], [150])]);

        ModelState next = new FedAdamOptimizer(biasCorrection: false).Step(global, aggregated);

        Assert.Equal(150, next["bn.num_batches_tracked"].AsReadOnlySpan<long>()[0]);
        Assert.Equal(1.1, next["bn.weight"].AsReadOnlySpan<double>()[0], 7);
    }

    [Fact]
    public void ExportState_SavedAndImported_ContinuesExactlyLikeTheOriginal()
    {
        string path = Path.Combine(Path.GetTempPath(), $"confer-opt-{Guid.NewGuid():N}.pbuf");
        try
        {
            var original = new FedYogiOptimizer();
            var x1 = State(Step(original, X0, Aggregated1));
            ModelStateSerializer.Save(original.ExportState(), path);
            var x2 = original.Step(x1, State(Aggregated2));

            var restored = new FedYogiOptimizer();
            restored.ImportState(ModelStateSerializer.Load(path), stepCount: 1);
            var x2Restored = restored.Step(x1, State(Aggregated2));

            Assert.True(TestStates.BitIdentical(x2, x2Restored));
            Assert.Equal(["m/w", "v/w"], original.ExportState().Names);
            Assert.Equal(2, restored.StepCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImportState_UnknownPrefix_Throws()
    {
        var optimizer = new FedAvgMOptimizer(serverMomentum: 0.5);

        Assert.Throws<ModelStateException>(() => optimizer.ImportState(TestStates.Doubles([1]), 1));
    }

    [Fact]
    public void Step_AggregatedWithNaN_ThrowsAndKeepsState()
    {
        var optimizer = new FedAdamOptimizer();
        Step(optimizer, X0, Aggregated1);
        ModelState before = optimizer.ExportState();

        Assert.Throws<UpdateRejectedException>(() => optimizer.Step(State(X0), State([1, double.NaN, 0, 0])));

        Assert.Equal(1, optimizer.StepCount);
        Assert.True(TestStates.BitIdentical(before, optimizer.ExportState()));
    }

    [Fact]
    public void Constructors_OutOfRangeHyperParameters_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedAdamOptimizer(eta: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedYogiOptimizer(beta2: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedAdagradOptimizer(tau: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FedAvgMOptimizer(serverMomentum: -0.1));
    }

    [Fact]
    public void Defaults_FollowReddiEtAlAndFlower()
    {
        var adam = new FedAdamOptimizer();
        var yogi = new FedYogiOptimizer();
        var adagrad = new FedAdagradOptimizer();

        Assert.Equal((0.1, 0.9, 0.99, 1e-9, true), (adam.Eta, adam.Beta1, adam.Beta2, adam.Tau, adam.BiasCorrection));
        Assert.Equal((0.01, 0.9, 0.99, 1e-3), (yogi.Eta, yogi.Beta1, yogi.Beta2, yogi.Tau));
        Assert.Equal((0.1, 0.0, 1e-9), (adagrad.Eta, adagrad.Beta1, adagrad.Tau));
        Assert.All(new AdaptiveServerOptimizer[] { adam, yogi, adagrad }, o => Assert.Equal(SecondMomentStart.Zero, o.SecondMomentStart));
    }

    private static ModelState State(double[] values) => TestStates.Doubles(values);

    private static double[] Step(IServerOptimizer optimizer, double[] global, double[] aggregated) =>
        optimizer.Step(State(global), State(aggregated))[0].AsReadOnlySpan<double>().ToArray();

    private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(actual[i], expected[i] - tolerance, expected[i] + tolerance);
        }
    }
}
