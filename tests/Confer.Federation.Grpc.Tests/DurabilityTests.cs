using Confer.Core;
using Confer.Federation.Controllers;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Confer.Protos.V1;
using Confer.Protos.V2;
using Confer.Testing;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The aggregator's durable state: the round checkpoint, withdrawn tasks, what a restart repairs, and the fault-injection switch.</summary>
public class DurabilityTests
{
    [Fact]
    public void Checkpoint_RoundTrip_KeepsEveryBitOfModelStrategyStateAndBestScore()
    {
        using var folder = new TemporaryFolder();
        var store = new ResultStore(folder.Path, "hash");
        var global = new ModelState([NamedTensor.Create<float>("w", [3], [0.1f, -2.5f, 3e-8f]), NamedTensor.Create<double>("b", [1], [Math.PI])]);
        var strategy = new ModelState([NamedTensor.Create<float>("m/w", [3], [1f, 2f, 3f]), NamedTensor.Create<float>("v/w", [3], [4f, 5f, 6f])]);
        var best = 0.1 + 0.2;

        store.Write(new RoundCheckpoint(4, global, strategy, 4, best));
        var read = new ResultStore(folder.Path, "hash").Read();

        Assert.NotNull(read);
        Assert.Equal(4, read.NextRound);
        Assert.Equal(BitConverter.DoubleToInt64Bits(best), BitConverter.DoubleToInt64Bits(read.BestScore!.Value));
        Assert.Equal(global.ComputeHash(), read.Global.ComputeHash());
        Assert.Equal(strategy.ComputeHash(), read.StrategyState.ComputeHash());
        Assert.Equal(4, read.StrategySteps);
    }

    [Fact]
    public void Checkpoint_Damaged_FailsNamingTheFileAndWhatToDo()
    {
        using var folder = new TemporaryFolder();
        var store = new ResultStore(folder.Path, "hash");
        File.WriteAllBytes(store.CheckpointPath, [0xFF, 0xFF, 0xFF]);

        var error = Assert.Throws<InvalidDataException>(store.Read);

        Assert.Contains(store.CheckpointPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("move the folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Withdrawn_IsKeptAcrossARestart_AndLoadRemovesPartialUploads()
    {
        using var folder = new TemporaryFolder();
        var store = new ResultStore(folder.Path, "hash");
        Store(store, "alpha");
        store.WriteWithdrawn(1, ["1/beta/train"]);
        store.WriteWithdrawn(1, ["1/gamma/train"]);
        using (store.CreateTemporary(Header("gamma"), out var partial))
        {
            Assert.True(File.Exists(partial));
        }

        var reopened = new ResultStore(folder.Path, "hash");
        var loaded = reopened.Load(1);

        Assert.Equal(["alpha"], loaded.Select(r => r.Header.Collaborator));
        Assert.Equal(["1/beta/train", "1/gamma/train"], reopened.ReadWithdrawn(1).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFiles(store.RoundDirectory(1)), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public void DeleteRound_KeepsItsResultFilesAsSpares_AndTheNextRoundsLongerOrShorterResultIsStoredExactly()
    {
        using var folder = new TemporaryFolder();
        var store = new ResultStore(folder.Path, "hash");
        var long1 = Store(store, "alpha", round: 1, model: Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
        store.DeleteRound(1);
        Assert.False(Directory.Exists(store.RoundDirectory(1)));
        var spare = Assert.Single(Directory.EnumerateFiles(Path.Combine(store.Directory, "spare")));

        // A fresh store on the same folder (an aggregator restart) finds the spare and writes over it.
        var reopened = new ResultStore(folder.Path, "hash");
        byte[] shorter = [9, 8, 7];
        var stored = Store(reopened, "beta", round: 2, model: shorter);

        Assert.False(File.Exists(spare));
        Assert.Equal(stored.ModelOffset + shorter.Length, new FileInfo(stored.Path).Length);
        Assert.Equal(shorter, ResultStore.WithModelBytes(stored.Path, stored.ModelOffset, stored.Header.ArraysSize, 0, static (bytes, _) => bytes.ToArray()));
        var reread = ResultStore.ReadHeader(stored.Path);
        Assert.Equal("beta", reread.Header.Collaborator);
        Assert.True(long1.Header.ArraysSize > shorter.Length);
    }

    [Theory]
    [InlineData("crash:while-saving", "while-saving", null)]
    [InlineData("crash:during-upload:3", "during-upload", 3)]
    public void FaultInjection_Parse_ReadsPointAndRound(string value, string point, int? round) =>
        Assert.Equal(new FaultInjection.Fault(point, round), FaultInjection.Parse(value));

    [Theory]
    [InlineData("crash:nowhere")]
    [InlineData("hang:while-saving")]
    [InlineData("crash:while-saving:x")]
    public void FaultInjection_Parse_UnknownFault_FailsListingThePoints(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => FaultInjection.Parse(value));
        Assert.Contains("before-aggregation", error.Message, StringComparison.Ordinal);
        Assert.Contains("CONFER_FAULT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultInjection_Unset_IsOff() => Assert.Null(FaultInjection.Parse(null));

    [Fact]
    public async Task Restart_AfterTheLastCheckpointButBeforeLast_RewritesLastRemovesTheRoundAndTellsCollaboratorsToQuit()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 2);
        var plan = new PlanLoader(TaskRunnerCatalog.CreateDefault().CreatePlanRegistry()).Load(workspace.AggregatorWorkspace);
        var store = new ResultStore(workspace.AggregatorWorkspace, plan.Hash);
        var final = new ModelState([NamedTensor.Create<float>("w0", [1000], Enumerable.Range(0, 1000).Select(i => i * 0.5f).ToArray())]);
        store.Write(new RoundCheckpoint(3, final, new ModelState([]), 0, 0.5));
        Store(store, "alpha", round: 2);
        var logs = new CapturingLoggerProvider();

        var codes = await RunAsync(workspace, logs);

        Assert.Equal([0], codes);
        var last = ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, plan.Aggregator.LastStatePath));
        Assert.Equal(final.ComputeHash(), last.ComputeHash());
        Assert.False(Directory.Exists(store.RoundDirectory(2)));
        Assert.Contains(logs.Messages, m => m.StartsWith("Rewrote the last model of round 2", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Removed the stored results of round 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithTheStateOfAnotherPlan_SetsItAsideUntouchedAndRunsFromRoundOne()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        var store = new ResultStore(workspace.AggregatorWorkspace, "another-plan");
        var other = new ModelState([NamedTensor.Create<float>("x", [1], [1f])]);
        store.Write(new RoundCheckpoint(7, other, new ModelState([]), 0, null));
        var logs = new CapturingLoggerProvider();

        var codes = await RunAsync(workspace, logs);

        Assert.Equal([0], codes);
        var setAside = Assert.Single(Directory.GetDirectories(Path.Combine(workspace.AggregatorWorkspace, "save"), "federation.set-aside-*"));
        var moved = ModelStateProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(setAside, "checkpoint.pbuf")));
        Assert.Equal("another-plan", moved.Metadata["plan_hash"]);
        Assert.Contains(logs.Messages, m => m.Contains("belongs to plan another-plan", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Federation finished: 1 rounds trained", StringComparison.Ordinal));
    }

    private static async Task<int[]> RunAsync(FederationWorkspace workspace, CapturingLoggerProvider logs)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var host = await workspace.StartAggregatorAsync(logs);
        await using (host)
        {
            var collaborators = workspace.Collaborators.Select(name => CollaboratorHost.RunAsync(new CollaboratorOptions
            {
                WorkspaceDirectory = workspace.CollaboratorWorkspace(name),
                Name = name,
                AggregatorAddress = host.Address,
                LoggerFactory = loggerFactory,
            })).ToArray();
            var codes = await Task.WhenAll(collaborators).DefaultTimeout(TimeSpan.FromMinutes(1));
            await host.Completion.DefaultTimeout(TimeSpan.FromMinutes(1));
            return codes;
        }
    }

    private static ReplyHeader Header(string collaborator, int round = 1) =>
        new() { ReplyTo = $"{round}/{collaborator}/train", Collaborator = collaborator, Round = round, Kind = "train", ExampleCount = 1 };

    private static StoredResult Store(ResultStore store, string collaborator, int round = 1, byte[]? model = null)
    {
        var header = Header(collaborator, round);
        header.ArraysSize = model?.Length ?? 0;
        string path;
        using (var stream = store.CreateTemporary(header, out path))
        {
            stream.Write(model);
            ResultStore.EndAtPosition(stream);
            stream.Flush(flushToDisk: true);
        }

        return store.Commit(path, header);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("confer-durability-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
