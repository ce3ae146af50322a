using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// FedCurv in a real federation, configured as an OpenFL plan configures it: the train task's
/// <c>aggregation_type</c> is <c>FedCurvWeightedAverage</c>, the strategy section gives its
/// importance. <c>plan initialize</c> writes zero Fisher terms, the collaborator processes train
/// against each other's Fisher and send their own, and the aggregator sums those while it averages
/// the weights.
/// </summary>
public sealed class FedCurvFederationTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task AnOpenFlStyleFedCurvPlan_TrainsTwoRounds_AndEndsWithTheCollaboratorsSummedFisherTerms()
    {
        using LifecycleFederation federation = await LifecycleFederation.CertifyAsync("torch_cnn_fashion_mnist", SmallFedCurvPlan, "alpha", "beta");

        IReadOnlyList<LifecycleResult> results = await federation.RunToTheEndAsync(RunTimeout);

        string log = results[0].Output + results[0].Error;
        Assert.Contains("Federation finished: 2 rounds trained", log, StringComparison.Ordinal);
        Assert.Contains("models aggregated with fedcurv", log, StringComparison.Ordinal);
        ModelState initial = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "torch_cnn_fashion_mnist_init.pbuf"));
        ModelState last = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "torch_cnn_fashion_mnist_last.pbuf"));
        IReadOnlyList<string> fisher = FedCurvTensors.Names(initial);
        Assert.NotEmpty(fisher);
        Assert.Null(initial.FindFirstMismatch(last));
        foreach (string name in fisher.Where(n => n.EndsWith("_u", StringComparison.Ordinal)))
        {
            // Zeros at the start; after the rounds the sum of two collaborators' diagonal Fisher: never negative, not all zero.
            Assert.All(initial[name].AsSpan<float>().ToArray(), v => Assert.Equal(0f, v));
            float[] summed = last[name].AsSpan<float>().ToArray();
            Assert.All(summed, v => Assert.True(v >= 0 && float.IsFinite(v), $"{name} holds {v}"));
            Assert.Contains(summed, v => v > 0);
        }
    }

    /// <summary>Two rounds of 300 training examples per collaborator; FedCurv chosen the OpenFL way.</summary>
    private static string SmallFedCurvPlan(string plan)
    {
        string edited = plan
            .Replace("rounds_to_train: 10", "rounds_to_train: 2", StringComparison.Ordinal)
            .Replace("    batch_size: 64", "    batch_size: 16\n    max_train_examples: 300\n    max_test_examples: 100", StringComparison.Ordinal)
            .Replace("  template: torch_cnn\n", "  template: torch_cnn\n  settings:\n    learning_rate: 0.05\n", StringComparison.Ordinal)
            .Replace(
                "  defaults: plan/defaults/tasks_torch.yaml\n",
                "  defaults: plan/defaults/tasks_torch.yaml\n  train:\n    function: train_task\n    aggregation_type:\n      template: openfl.interface.aggregation_functions.FedCurvWeightedAverage\n    kwargs:\n      metrics: [loss]\n      epochs: 1\n",
                StringComparison.Ordinal)
            .Replace("strategy:\n  defaults: plan/defaults/strategy.yaml\n", "strategy:\n  template: FedCurvWeightedAverage\n  settings:\n    importance: 10.0\n", StringComparison.Ordinal);
        Assert.Contains("importance: 10.0", edited, StringComparison.Ordinal);
        Assert.Contains("FedCurvWeightedAverage\n    kwargs", edited, StringComparison.Ordinal);
        Assert.Contains("rounds_to_train: 2", edited, StringComparison.Ordinal);
        return edited;
    }
}
