using System.CommandLine;
using System.Xml.Linq;
using Confer.Cli.Commands;
using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class RunsCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _store = new();
    private FlowRunResult _result = null!;

    public async Task InitializeAsync()
    {
        var flow = new AveragingFlow { Rounds = 2, Checkpoint = true, Runtime = TestRuntime.Create(_store.Path, LocalRuntimeBackend.Parallel) };
        _result = await flow.RunAsync().DefaultTimeout();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task List_ShowsTheRunWithItsFlowAndStatus()
    {
        (int code, string output, _) = await InvokeAsync("runs", "list", "--store", _store.Path);

        Assert.Equal(0, code);
        Assert.Contains(_result.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
        Assert.Contains("AveragingFlow", output, StringComparison.Ordinal);
        Assert.Contains("completed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ListsTheStepsInOrder()
    {
        (int code, string output, _) = await InvokeAsync("runs", "show", Id, "--store", _store.Path);

        Assert.Equal(0, code);
        Assert.Contains($"Run('AveragingFlow/{Id}')  completed", output, StringComparison.Ordinal);
        int[] positions = [.. new[] { "Start", "Validate", "Train", "Join", "End" }.Select(s => output.IndexOf($"│ {s} ", StringComparison.Ordinal))];
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task Task_ShowsTheCarriedDataDecoded()
    {
        (int code, string output, _) = await InvokeAsync("runs", "task", Id, "Validate", "Portland", "--store", _store.Path);

        Assert.Equal(0, code);
        Assert.Contains("on Portland (input Portland)", output, StringComparison.Ordinal);
        Assert.Contains("CurrentRound", output, StringComparison.Ordinal);
        Assert.Contains("[\"Seattle\",\"Portland\",\"Chandler\",\"Bangalore\"]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-MARKER", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_PrintsTheTasksStdoutAndStderr()
    {
        (int code, string output, _) = await InvokeAsync("runs", "logs", Id, "Validate", "Seattle", "--store", _store.Path);

        Assert.Equal(0, code);
        Assert.Equal(2, output.Split("Seattle value of ").Length - 1);
        Assert.Contains("stderr ==" + Environment.NewLine + "[No output]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_ByFlowName_PrintsTextAndWritesDotAndSvg()
    {
        string dot = Path.Combine(_store.Path, "flow.dot");
        string svg = Path.Combine(_store.Path, "flow.svg");

        (int code, string output, _) = await InvokeAsync("runs", "graph", "AveragingFlow", "--store", _store.Path, "--dot", dot, "--svg", svg);

        Assert.Equal(0, code);
        Assert.Contains("Join [aggregator, join] -> Validate (foreach) | End", output, StringComparison.Ordinal);
        Assert.StartsWith("digraph \"AveragingFlow\"", await File.ReadAllTextAsync(dot).DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal("svg", XDocument.Parse(await File.ReadAllTextAsync(svg).DefaultTimeout()).Root!.Name.LocalName);
    }

    [Fact]
    public async Task Egress_ListsTransfersPerParticipantWithHashes()
    {
        (int code, string output, _) = await InvokeAsync("runs", "egress", Id, "--store", _store.Path);

        Assert.Equal(0, code);
        Assert.Contains($"{_result.Egress.Count} attribute transfers", output, StringComparison.Ordinal);
        Assert.Contains(_result.Egress[0].Sha256, output, StringComparison.Ordinal);
        Assert.Contains("Train -> Join", output, StringComparison.Ordinal);
        Assert.DoesNotContain("LocalData", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bSecret\b", output);
        Assert.DoesNotContain("SECRET-MARKER", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRunOrMissingStore_FailWithAMessage()
    {
        (int code, _, string error) = await InvokeAsync("runs", "show", "12345", "--store", _store.Path);
        (int missingCode, _, string missing) = await InvokeAsync("runs", "list", "--store", Path.Combine(_store.Path, "nowhere"));

        Assert.Equal(1, code);
        Assert.Contains("No run 12345", error, StringComparison.Ordinal);
        Assert.Equal(1, missingCode);
        Assert.Contains("No run store at", missing, StringComparison.Ordinal);
    }

    private string Id => _result.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { RunsCommand.Create(() => output, () => error) };
        int code = await root.Parse(args).InvokeAsync().DefaultTimeout();
        return (code, output.ToString(), error.ToString());
    }
}
