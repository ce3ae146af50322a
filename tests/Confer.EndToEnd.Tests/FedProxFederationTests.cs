using Confer.Core;
using Confer.Core.Aggregation;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// FedProx in a real federation: the plan's <c>proximal_mu</c> travels to the collaborator
/// processes in each task's config, and the torch_cnn runner adds μ/2·‖w − w_global‖² to its loss.
/// The same federation from the same initial model and seeds, once with FedAvg and once with
/// FedProx, ends with different models, the FedProx one nearer the global model it started from.
/// </summary>
public sealed class FedProxFederationTests
{
    [Fact]
    public async Task ProximalMu_ReachesTheCollaborators_AndHoldsTheirTrainingNearTheGlobalModel()
    {
        using LifecycleFederation certified = await LifecycleFederation.CertifyAsync("torch_cnn_fashion_mnist", SmallOneRoundPlan, "alpha", "beta");

        ModelState initial;
        ModelState plain;
        await using (RobustRun fedavg = await RobustRun.PrepareAsync(certified, "fedavg", settings: null, rounds: 1))
        {
            await fedavg.RunToTheEndAsync();
            initial = fedavg.InitialModel();
            plain = fedavg.LastModel();
        }

        ModelState proximal;
        await using (RobustRun fedprox = await RobustRun.PrepareAsync(certified, "fedprox", "    proximal_mu: 5.0\n", rounds: 1))
        {
            string log = await fedprox.RunToTheEndAsync();
            Assert.Contains("models aggregated with fedprox", log, StringComparison.Ordinal);
            proximal = fedprox.LastModel();
        }

        // Both runs trained from the same model with the same data and seeds: only mu differs.
        double movedPlain = ModelAggregation.Distance(initial, plain);
        double movedProximal = ModelAggregation.Distance(initial, proximal);
        Assert.True(movedPlain > 0, "FedAvg's round did not move the model");
        Assert.NotEqual(plain.ComputeHash(), proximal.ComputeHash());
        Assert.True(movedProximal < movedPlain, $"with mu 5 the model moved {movedProximal:G4} from the global one; without, {movedPlain:G4}");
    }

    /// <summary>One round of 500 training examples per collaborator in 16-example batches at learning rate 0.05.</summary>
    private static string SmallOneRoundPlan(string plan)
    {
        string edited = plan
            .Replace("rounds_to_train: 10", "rounds_to_train: 1", StringComparison.Ordinal)
            .Replace("    batch_size: 64", "    batch_size: 16\n    max_train_examples: 500\n    max_test_examples: 100", StringComparison.Ordinal)
            .Replace("  template: torch_cnn\n", "  template: torch_cnn\n  settings:\n    learning_rate: 0.05\n", StringComparison.Ordinal)
            .Replace("    agg_port: 50051\n", "    agg_port: 50051\n    client_reconnect_interval: 0.2\n", StringComparison.Ordinal);
        Assert.Contains("max_train_examples: 500", edited, StringComparison.Ordinal);
        Assert.Contains("rounds_to_train: 1", edited, StringComparison.Ordinal);
        return edited;
    }
}
