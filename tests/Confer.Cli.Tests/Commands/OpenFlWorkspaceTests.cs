using Confer.Cli.Tests.Infrastructure;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

/// <summary>A workspace carrying OpenFL's own defaults files: every command that loads the plan shows its warnings.</summary>
public sealed class OpenFlWorkspaceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PlanPrint_WithOpenFlsAggregatorDefaults_LoadsAndPrintsEachWarningWithItsLine()
    {
        string workspace = await Workspaces.CreateAsync(_temp);
        File.WriteAllText(Path.Combine(workspace, "plan", "defaults", "aggregator.yaml"), "template : openfl.component.Aggregator\nsettings :\n    db_store_rounds   : 2\n    write_logs : true\n");

        CliResult result = await CliRunner.RunOkAsync("plan", "print", "-w", workspace);

        Assert.Contains(
            "plan/defaults/aggregator.yaml(3,5): warning: 'aggregator.settings.db_store_rounds' has no effect: Confer's aggregator keeps every result it acknowledged in its durable results store",
            result.Error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("db_store_rounds", result.Output, StringComparison.Ordinal);
    }
}
