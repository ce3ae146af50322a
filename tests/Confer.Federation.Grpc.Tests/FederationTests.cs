using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confer.Federation.Grpc.Tests;

/// <summary>A whole federation in one process: Kestrel on 127.0.0.1 with real mutual TLS 1.3, two collaborators, the echo task runner.</summary>
public class FederationTests
{
    [Fact]
    public async Task Federation_TwoEchoCollaboratorsTwoRounds_FinishesSavesStatesAndLogsLikeOpenFl()
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 2, writeLogs: true);
        var logs = new CapturingLoggerProvider();
        await workspace.RunToCompletionAsync(logs);

        var init = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_init.pbuf"));
        var last = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_last.pbuf"));
        Assert.True(File.Exists(Path.Combine(workspace.AggregatorWorkspace, "save/echo_best.pbuf")));
        Assert.Equal(init.ComputeHash(), last.ComputeHash());
        var messages = logs.Messages.ToList();
        Assert.Contains("Collaborator alpha is sending task results for train, round 1", messages);
        Assert.Contains(messages, m => m.StartsWith("Saved the best model with score", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Round 1: aggregated_model_validation acc:", StringComparison.Ordinal));
        Assert.Empty(logs.Errors);

        // write_logs: each round's metrics, per collaborator and aggregated, in logs/metrics.csv.
        var rows = AggregatorMetrics.Read(Path.Combine(workspace.AggregatorWorkspace, AggregatorMetrics.RelativePath));
        string[] tasks = ["aggregated_model_validation", "locally_tuned_model_validation", "train"];
        foreach (var round in new[] { 1, 2 })
        {
            foreach (var task in tasks)
            {
                var ofTask = rows.Where(r => r.Round == round && r.Task == task).ToList();
                Assert.Equal(["alpha", "beta", null], ofTask.Select(r => r.Collaborator));
                var aggregate = Assert.Single(ofTask, r => r.Collaborator is null);
                Assert.Equal(ofTask.Where(r => r.Collaborator is not null).Sum(r => r.Examples), aggregate.Examples);
            }
        }

        Assert.Equal(2 * 3 * 3, rows.Count);
    }

    [Fact]
    public async Task Federation_FourRoundsOfChangingModels_LastModelIsEachRoundsFedAvgComputedInProcess_BitForBit()
    {
        // From round 1 on the aggregator computes each global model into the buffers of the one
        // two rounds back: the models must still be exactly the FedAvg of each round.
        string[] names = ["alpha", "beta", "gamma"];
        using var workspace = FederationWorkspace.Create(names, rounds: 4, modelSize: 5000, trainStep: 0.01);
        var logs = new CapturingLoggerProvider();
        await workspace.RunToCompletionAsync(logs);

        var plan = workspace.LoadPlan();
        var global = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_init.pbuf"));
        var catalog = TaskRunnerCatalog.CreateDefault();
        var runners = names.Select(name => catalog.Get(plan).Create(new TaskRunnerContext(plan, name, plan.CollaboratorData[name], NullLoggerFactory.Instance))).ToList();
        for (var round = 1; round <= 4; round++)
        {
            var mean = new WeightedMeanAccumulator(global);
            foreach (var runner in runners)
            {
                var result = await runner.RunAsync(new TaskRequest(plan.Tasks["train"], round, global));
                mean.Fold(result.Model!, result.ExampleCount);
            }

            global = mean.Result();
        }

        var last = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_last.pbuf"));
        var init = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_init.pbuf"));
        Assert.NotEqual(init.ComputeHash(), last.ComputeHash());
        Assert.Equal(global.ComputeHash(), last.ComputeHash());
        Assert.Empty(logs.Errors);

        // The results' files, written over from round to round, are gone once the federation is over.
        Assert.False(Directory.Exists(Path.Combine(workspace.AggregatorWorkspace, "save", "federation", "spare")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(workspace.AggregatorWorkspace, "save", "federation"), "round_*"));
    }

    [Fact]
    public async Task Federation_WithAnUploadRateLimit_HoldsBackEachCollaboratorsUpload_AndFinishesWithTheSameModel()
    {
        // 40 KB uploads in 4 KiB chunks against 13 KB/s per collaborator: the first second of bytes
        // passes at once, the other 27 KB wait for the budget: about 2.08 s less the transfer's own time.
        string[] names = ["alpha", "beta"];
        const string Limits = "    limits:\n      chunk_size: 4096\n      max_upload_bytes_per_second: 13000";
        using var workspace = FederationWorkspace.Create(names, rounds: 1, modelSize: 10_000, extraNetwork: Limits);
        var logs = new CapturingLoggerProvider();
        await workspace.RunToCompletionAsync(logs);

        foreach (var name in names)
        {
            var held = Assert.Single(logs.Messages, m => m.StartsWith($"Held back the upload of train from collaborator {name}, round 1 for ", StringComparison.Ordinal));
            Assert.EndsWith(" s in all to keep it to 13000 bytes/s (network.limits.max_upload_bytes_per_second)", held, StringComparison.Ordinal);
            var seconds = double.Parse(held.Split(" for ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 0.01, ((40_019 - 13_000) / 13_000.0) + 0.01); // the log rounds to 0.01 s
        }

        var init = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_init.pbuf"));
        var last = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, "save/echo_last.pbuf"));
        Assert.Equal(init.ComputeHash(), last.ComputeHash());
        Assert.Empty(logs.Errors);
    }
}
