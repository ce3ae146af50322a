using System.Text;
using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class PrivateAttributeTests
{
    [Theory]
    [InlineData(LocalRuntimeBackend.Sequential)]
    [InlineData(LocalRuntimeBackend.Parallel)]
    public async Task PrivateAttributes_AreSeenOnlyByTheirOwnParticipant(LocalRuntimeBackend backend)
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Rounds = 2, Runtime = TestRuntime.Create(store.Path, backend) };

        await flow.RunAsync().DefaultTimeout();

        Assert.True(flow.AllSecretsOk);
        Assert.False(flow.InputsCarriedPrivates);
        Assert.Null(flow.Secret);
        Assert.Null(flow.LocalData);
    }

    [Fact]
    public async Task PrivateAttributes_NeverAppearInTheEgressRecordOrAnyStoredByte()
    {
        using var store = new TempDirectory();
        var flow = new AveragingFlow { Checkpoint = true, Rounds = 2, Runtime = TestRuntime.Create(store.Path, LocalRuntimeBackend.Parallel) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        Assert.NotEmpty(result.Egress);
        Assert.DoesNotContain(result.Egress, e => e.Attribute is nameof(AveragingFlow.Secret) or nameof(AveragingFlow.LocalData));
        byte[] marker = Encoding.UTF8.GetBytes("SECRET-MARKER");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string[] files = Directory.GetFiles(store.Path, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains("blobs", StringComparison.Ordinal));
        foreach (string file in files)
        {
            byte[] bytes = await File.ReadAllBytesAsync(file).DefaultTimeout();
            Assert.True(bytes.AsSpan().IndexOf(marker) < 0, $"{file} contains a private attribute's bytes.");
        }

        using RunStore runs = RunStore.Open(store.Path);
        FlowRunInfo run = runs.GetRun(result.RunId);
        Assert.All(run.Tasks, t => Assert.False(t.Data.Contains(nameof(AveragingFlow.Secret))));
        Assert.All(run.Tasks, t => Assert.False(t.Data.Contains(nameof(AveragingFlow.LocalData))));
    }

    [Fact]
    public async Task PrivateAttributesFactory_IsCalledOncePerParticipant_AcrossRoundsAndRuns()
    {
        using var store = new TempDirectory();
        var calls = new Dictionary<string, int>();
        Collaborator Make(string name) => new(name)
        {
            PrivateAttributesFactory = () =>
            {
                lock (calls)
                {
                    calls[name] = calls.GetValueOrDefault(name) + 1;
                }

                return new Dictionary<string, object?> { ["Secret"] = TestRuntime.SecretOf(name), ["LocalData"] = TestRuntime.DataOf(name) };
            },
        };
        var aggregator = new Aggregator { PrivateAttributesFactory = () => new Dictionary<string, object?> { ["Secret"] = "SECRET-MARKER-aggregator-7f3a" } };
        var runtime = new LocalRuntime(aggregator, [Make("Portland"), Make("Seattle")], LocalRuntimeBackend.Parallel, new LocalRuntimeOptions { RunStoreDirectory = store.Path });

        var first = new AveragingFlow { Rounds = 3, Runtime = runtime };
        await first.RunAsync().DefaultTimeout();
        await new AveragingFlow { Rounds = 2, Runtime = runtime }.RunAsync().DefaultTimeout();

        Assert.True(first.AllSecretsOk);
        Assert.Equal(new Dictionary<string, int> { ["Portland"] = 1, ["Seattle"] = 1 }, calls);
    }

    [Fact]
    public async Task PrivateAttribute_OfTheWrongType_IsRejectedNamingIt()
    {
        using var store = new TempDirectory();
        var collaborator = new Collaborator("Portland");
        collaborator.PrivateAttributes["LocalData"] = "not an array";
        var flow = new AveragingFlow { Runtime = new LocalRuntime(new Aggregator(), [collaborator], options: new LocalRuntimeOptions { RunStoreDirectory = store.Path }) };

        var error = await Assert.ThrowsAsync<FlowException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Contains("Collaborator Portland has private attribute 'LocalData' of type String, which does not fit [Private] property LocalData (Double[])", error.Message, StringComparison.Ordinal);
    }
}
