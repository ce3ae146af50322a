using Confer.Cli.Tests.Infrastructure;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

/// <summary>
/// A workspace whose own code (the tabular_csv template's code/) is broken in each way a user can
/// break it: every one is refused with a message naming the file or the type and what was expected,
/// and the command writes nothing (no initial model).
/// </summary>
public sealed class WorkspaceCodeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CodeThatDoesNotCompile_IsRefusedWithTheCompilersFirstError()
    {
        string workspace = await Workspaces.CreateAsync(_temp, template: "tabular_csv");
        File.AppendAllText(Path.Combine(workspace, "code", "MlpTaskRunner.cs"), "\nthis is not C#\n");

        CliResult result = await CliRunner.RunAsync(CliRunner.BuildTimeout, "plan", "initialize", "-w", workspace, "-a", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The workspace code code/TabularModel.csproj does not build", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"code/MlpTaskRunner\.cs\(\d+,\d+\): error CS\d+", result.Error);
        Assert.Contains("nothing of the federation was changed", result.Error, StringComparison.Ordinal);
        AssertNothingWritten(workspace);
    }

    [Fact]
    public async Task AMissingType_IsAPlanProblemNamingTheTypeTheAssemblyAndWhatIsThere()
    {
        string workspace = await Workspaces.CreateAsync(_temp, template: "tabular_csv");
        EditPlan(workspace, "template: TabularModel.MlpTaskRunner", "template: TabularModel.MlpTaskRuner");

        CliResult result = await CliRunner.RunAsync(CliRunner.BuildTimeout, "plan", "initialize", "-w", workspace, "-a", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"plan/plan\.yaml\(\d+,\d+\): error: 'task_runner\.template': no type 'TabularModel\.MlpTaskRuner' in assembly TabularModel \(code/TabularModel\.csproj\)", result.Error);
        Assert.Contains("Expected a public class implementing Confer.Federation.TaskRunners.IPlanTaskRunner", result.Error, StringComparison.Ordinal);
        Assert.Contains("Its types implementing IPlanTaskRunner: TabularModel.MlpTaskRunner.", result.Error, StringComparison.Ordinal);
        AssertNothingWritten(workspace);
    }

    [Fact]
    public async Task ATypeWithTheWrongContract_IsRefusedNamingTheContractItLacks()
    {
        string workspace = await Workspaces.CreateAsync(_temp, template: "tabular_csv");
        EditPlan(workspace, "template: TabularModel.MlpTaskRunner", "template: TabularModel.CsvDataLoader");

        CliResult result = await CliRunner.RunAsync(CliRunner.BuildTimeout, "plan", "initialize", "-w", workspace, "-a", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "type TabularModel.CsvDataLoader in assembly TabularModel (code/TabularModel.csproj) does not implement Confer.Federation.TaskRunners.IPlanTaskRunner, which a plan's task runner must (it implements IPlanDataLoader, IPlanDataLoader`1).",
            result.Error,
            StringComparison.Ordinal);
        AssertNothingWritten(workspace);
    }

    [Fact]
    public async Task AConstructorThatThrows_IsRefusedWithWhatItThrew()
    {
        string workspace = await Workspaces.CreateAsync(_temp, template: "tabular_csv");
        File.WriteAllText(Path.Combine(workspace, "code", "LicensedRunner.cs"), """
            using Confer.Core;
            using Confer.Federation.TaskRunners;
            using Confer.Plan;

            namespace TabularModel;

            public sealed class LicensedRunner : IPlanTaskRunner
            {
                public LicensedRunner() => throw new InvalidOperationException("no licence file in /etc/hospital");

                public SettingsSchema Settings => SettingsSchema.Empty;

                public IReadOnlyDictionary<string, SettingsSchema> TaskFunctions => new Dictionary<string, SettingsSchema>();

                public ModelState CreateInitialModel(PlanSettings settings, int seed) => ModelState.Empty;

                public ITaskRunner Create(TaskRunnerContext context) => throw new NotSupportedException();
            }
            """);
        EditPlan(workspace, "template: TabularModel.MlpTaskRunner", "template: TabularModel.LicensedRunner");

        CliResult result = await CliRunner.RunAsync(CliRunner.BuildTimeout, "plan", "initialize", "-w", workspace, "-a", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "the constructor of TabularModel.LicensedRunner (assembly TabularModel, code/TabularModel.csproj) threw InvalidOperationException: no licence file in /etc/hospital",
            result.Error,
            StringComparison.Ordinal);
        AssertNothingWritten(workspace);
    }

    [Fact]
    public async Task TheCodeIsPartOfThePlanHash_AndItsBuildIsReusedUntilAFileChanges()
    {
        string workspace = await Workspaces.CreateAsync(_temp, template: "tabular_csv");
        CliResult first = await CliRunner.RunOkAsync(CliRunner.BuildTimeout, "plan", "print", "-w", workspace);
        Assert.Contains("is built already", first.Output, StringComparison.Ordinal);
        string hash = Workspaces.ValueAfter(first.Output, "federation id (SHA-384):");

        File.AppendAllText(Path.Combine(workspace, "code", "README.md"), "\nA note.\n");
        CliResult second = await CliRunner.RunOkAsync(CliRunner.BuildTimeout, "plan", "print", "-w", workspace);

        Assert.Contains("Building workspace code code/TabularModel.csproj", second.Output, StringComparison.Ordinal);
        Assert.Contains("# workspace code (code/, SHA-256, part of the federation id): ", second.Output, StringComparison.Ordinal);
        Assert.NotEqual(hash, Workspaces.ValueAfter(second.Output, "federation id (SHA-384):"));
    }

    private static void EditPlan(string workspace, string from, string to)
    {
        string plan = Path.Combine(workspace, "plan", "plan.yaml");
        string text = File.ReadAllText(plan);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(plan, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static void AssertNothingWritten(string workspace) =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(workspace, "save")));
}
