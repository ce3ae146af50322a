using Confer.Cli.Commands.Lifecycle;
using Confer.Cli.Tests.Infrastructure;
using Confer.Core;
using Confer.Plan;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

public sealed class PlanCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static FederationPlan Load(string directory) => new PlanLoader(LifecyclePlanTypes.CreateRegistry()).Load(directory);

    [Fact]
    public async Task Initialize_SetsAddressAndPort_KeepsComments_WritesTheInitialModel()
    {
        string directory = await Workspaces.CreateAsync(_temp);

        CliResult result = await CliRunner.RunOkAsync("plan", "initialize", "-w", directory, "-a", "Agg.Example.org", "--port", "50123", "--seed", "7");

        FederationPlan plan = Load(directory);
        Assert.Equal("agg.example.org", plan.Network.AggregatorAddress);
        Assert.Equal(50123, plan.Network.AggregatorPort);
        Assert.Contains("# Confer plan: a no-op federation.", File.ReadAllText(Path.Combine(directory, "plan", "plan.yaml")), StringComparison.Ordinal);
        ModelState state = ModelStateSerializer.Load(Path.Combine(directory, plan.Aggregator.InitStatePath));
        Assert.Equal(100_000, state.ElementCount);
        Assert.Contains($"Plan hash (federation id): {plan.Hash}", result.Output, StringComparison.Ordinal);
        Assert.Contains("wrote save/echo_init.pbuf", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_SameSeed_WritesTheSameWeights()
    {
        string first = await Workspaces.CreateAsync(_temp, "a");
        string second = await Workspaces.CreateAsync(_temp, "b");

        await CliRunner.RunOkAsync("plan", "initialize", "-w", first, "-a", "localhost", "--seed", "3");
        await CliRunner.RunOkAsync("plan", "initialize", "-w", second, "-a", "localhost", "--seed", "3");

        string Hash(string directory) => ModelStateSerializer.Load(Path.Combine(directory, "save", "echo_init.pbuf")).ComputeHash();
        Assert.Equal(Hash(first), Hash(second));
    }

    [Fact]
    public async Task Initialize_WithoutAddress_ReplacesAutoWithThisMachinesName()
    {
        string directory = await Workspaces.CreateAsync(_temp);

        await CliRunner.RunOkAsync("plan", "initialize", "-w", directory);

        Assert.Equal(MachineName.Fqdn(), Load(directory).Network.AggregatorAddress);
    }

    [Fact]
    public async Task Initialize_FrozenPlanWithANewAddress_IsRefusedAndTheFileKept()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        await CliRunner.RunOkAsync("plan", "initialize", "-w", directory, "-a", "localhost");
        await CliRunner.RunOkAsync("plan", "freeze", "-w", directory);
        string before = File.ReadAllText(Path.Combine(directory, "plan", "plan.yaml"));

        CliResult result = await CliRunner.RunAsync("plan", "initialize", "-w", directory, "-a", "other.example.org");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is frozen", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(directory, "plan", "plan.yaml")));
    }

    [Fact]
    public async Task Initialize_OutsideAWorkspace_SaysHowToMakeOne()
    {
        CliResult result = await CliRunner.RunAsync("plan", "initialize", "-w", _temp.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("confer workspace create", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_MalformedPlan_ShowsEveryProblemWithLineAndColumn()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        string planFile = Path.Combine(directory, "plan", "plan.yaml");
        File.WriteAllText(planFile, File.ReadAllText(planFile)
            .Replace("rounds_to_train: 2", "rounds_to_train: 0", StringComparison.Ordinal)
            .Replace("opt_treatment: RESET", "opt_treatment: RESETT", StringComparison.Ordinal));

        CliResult result = await CliRunner.RunAsync("plan", "print", "-w", directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("2 problems", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"plan/plan\.yaml\(\d+,\d+\): error: .*rounds_to_train", result.Error);
        Assert.Matches(@"plan/plan\.yaml\(\d+,\d+\): error: .*opt_treatment", result.Error);
    }

    [Fact]
    public async Task Print_BrokenYaml_ShowsTheParsersLineAndColumn()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        File.WriteAllText(Path.Combine(directory, "plan", "plan.yaml"), "aggregator:\n  settings: [unclosed\n");

        CliResult result = await CliRunner.RunAsync("plan", "print", "-w", directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"plan/plan\.yaml\(\d+,\d+\): error:", result.Error);
    }

    [Fact]
    public async Task Print_ValidPlan_PrintsTheMergedPlanWithItsHash()
    {
        string directory = await Workspaces.CreateAsync(_temp);

        CliResult result = await CliRunner.RunOkAsync("plan", "print", "-w", directory);

        Assert.Contains(Load(directory).Hash, result.Output, StringComparison.Ordinal);
        Assert.Contains("rounds_to_train: 2", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Freeze_WritesTheHashAndLaterEditsAreRefusedUntilFrozenAgainWithForce()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        string planFile = Path.Combine(directory, "plan", "plan.yaml");

        CliResult frozen = await CliRunner.RunOkAsync("plan", "freeze", "-w", directory);
        File.WriteAllText(planFile, File.ReadAllText(planFile).Replace("rounds_to_train: 2", "rounds_to_train: 3", StringComparison.Ordinal));
        CliResult refused = await CliRunner.RunAsync("plan", "print", "-w", directory);
        CliResult refrozen = await CliRunner.RunOkAsync("plan", "freeze", "-w", directory, "--force");

        string hash = File.ReadAllText(planFile + ".sha384").Split(' ')[0];
        Assert.Contains($"Plan hash (federation id): ", frozen.Output, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("edited after it was frozen", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"Plan hash (federation id): {hash}", refrozen.Output, StringComparison.Ordinal);
        Assert.Equal(3, Load(directory).Aggregator.RoundsToTrain);
    }
}
