using Confer.Core;
using Confer.Federation.Plans;
using Confer.Federation.TaskRunners;
using Confer.Testing;

namespace Confer.Federation.Grpc.Tests;

/// <summary>
/// One engine: the same plan, seed and strategy run as a simulation (an in-memory grid in this
/// process) and as a real federation (an aggregator and three collaborators over mutual TLS 1.3 on
/// 127.0.0.1) end with the same model, bit for bit.
/// </summary>
public class OneEngineTests
{
    [Theory]
    [InlineData("fedavg")]
    [InlineData("fedadam")]
    public async Task SamePlanSimulatedAndFederated_ThreeRoundsThreeCollaborators_FinalModelsAreBitIdentical(string strategy)
    {
        string[] names = ["alpha", "beta", "gamma"];
        using var workspace = FederationWorkspace.Create(names, rounds: 3, modelSize: 3000, strategy: strategy, trainStep: 0.01);
        var plan = workspace.LoadPlan();

        History simulated = await PlanSimulation.RunAsync(plan, TaskRunnerCatalog.CreateDefault()).DefaultTimeout();
        await workspace.RunToCompletionAsync(new CapturingLoggerProvider());

        var federated = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, plan.Aggregator.LastStatePath));
        var initial = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, plan.Aggregator.InitStatePath));
        Assert.NotEqual(initial.ComputeHash(), federated.ComputeHash());
        Assert.Equal(3, simulated.Rounds.Count);
        Assert.All(simulated.Rounds, r => Assert.Equal(3, r.ModelsAggregated));
        Assert.Equal(simulated.Parameters.ComputeHash(), federated.ComputeHash());
    }
}
