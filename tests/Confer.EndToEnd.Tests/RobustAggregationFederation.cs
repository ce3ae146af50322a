using System.Globalization;
using System.Text.RegularExpressions;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// A certified federation of five torch_cnn collaborators (<c>alpha</c> … <c>epsilon</c>) on
/// strided shards of Fashion-MNIST, certified once; each run works in its own copy with its own
/// strategy. The fixture makes the reference run: every collaborator honest, FedAvg.
/// </summary>
public sealed class RobustAggregationFederation : IAsyncLifetime
{
    public const int Rounds = 10;

    /// <summary>
    /// The test images the final model is judged on: the whole Fashion-MNIST test set. Two models
    /// that disagree on a fifth of 1,000 images differ in accuracy by ±1.4 points from the choice of
    /// images alone; on 10,000 by ±0.45.
    /// </summary>
    public const int TestExamples = 10_000;

    /// <summary>The collaborator that poisons its updates in the poisoned runs.</summary>
    public const string Poisoner = "epsilon";

    /// <summary>Its update, scaled and sign-flipped: it sends global + Scale × (trained − global).</summary>
    public const double Scale = -5;

    /// <summary>A whole federation of six processes on a loaded two-core machine: generous, but bounded.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private LifecycleFederation? _certified;

    internal LifecycleFederation Certified => _certified ?? throw new InvalidOperationException("The federation is not certified yet.");

    /// <summary>The accuracy of the all-honest FedAvg run's final model.</summary>
    public RobustRunOutcome Reference { get; private set; } = null!;

    /// <summary>
    /// The template's plan for five collaborators with 2,000 training and 200 test examples each
    /// (their test parts together are the first 1,000 test images), ten rounds of two local epochs
    /// of 16-example batches at learning rate 0.03 decayed by 0.8 a round, momentum 0.8, quick
    /// reconnects. Training is cheap next to starting six processes, so the rounds train until the
    /// accuracy flattens, and the decaying rate lets every run settle: at a constant rate the last
    /// model carried one round's noise (±1 point on the test set), which showed as gaps of up to 2.6
    /// points between two runs that differ only in the poisoner.
    /// </summary>
    public static string EditPlan(string plan)
    {
        string edited = plan
            .Replace("rounds_to_train: 10", $"rounds_to_train: {Rounds}", StringComparison.Ordinal)
            .Replace("    collaborator_count: 2\n    batch_size: 64\n", "    collaborator_count: 5\n    batch_size: 16\n    max_train_examples: 2000\n    max_test_examples: 200\n    seed: 7\n", StringComparison.Ordinal)
            .Replace("  template: torch_cnn\n", "  template: torch_cnn\n  settings:\n    learning_rate: 0.03\n    momentum: 0.8\n", StringComparison.Ordinal)
            .Replace("    agg_port: 50051\n", "    agg_port: 50051\n    client_reconnect_interval: 0.2\n", StringComparison.Ordinal)
            .Replace("  defaults: plan/defaults/tasks_torch.yaml\n", "  defaults: plan/defaults/tasks_torch.yaml\n  train:\n    kwargs:\n      epochs: 2\n      learning_rate_decay: 0.8\n", StringComparison.Ordinal);
        Assert.Contains($"rounds_to_train: {Rounds}", edited, StringComparison.Ordinal);
        Assert.Contains("collaborator_count: 5", edited, StringComparison.Ordinal);
        Assert.Contains("learning_rate: 0.03", edited, StringComparison.Ordinal);
        Assert.Contains("client_reconnect_interval: 0.2", edited, StringComparison.Ordinal);
        Assert.Contains("learning_rate_decay: 0.8", edited, StringComparison.Ordinal);
        return edited;
    }

    public async Task InitializeAsync()
    {
        _certified = await LifecycleFederation.CertifyAsync("torch_cnn_fashion_mnist", EditPlan, "alpha", "beta", "gamma", "delta", Poisoner);
        await using RobustRun run = await RobustRun.PrepareAsync(Certified, "fedavg", settings: null);
        Reference = await run.RunAsync(poisoner: null);
    }

    public Task DisposeAsync()
    {
        _certified?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>What a run ended with: the final model's accuracy, and each round's validation of its global model.</summary>
public sealed record RobustRunOutcome(string Strategy, bool Poisoned, double Accuracy, IReadOnlyList<double> RoundAccuracies, TimeSpan Elapsed)
{
    public override string ToString() => FormattableString.Invariant(
        $"{Strategy}{(Poisoned ? ", one poisoner" : ", all honest")}: final accuracy {Accuracy:F4} (global model validated at the start of rounds 1..: {string.Join(", ", RoundAccuracies.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}; run {Elapsed.TotalSeconds:F0} s)");
}

/// <summary>One run of the certified federation in a fresh copy of its folders, with one strategy.</summary>
internal sealed partial class RobustRun : IAsyncDisposable
{
    private readonly Dictionary<string, LifecycleConfer> _processes = new(StringComparer.Ordinal);

    private RobustRun(string root, IReadOnlyList<string> collaborators, string strategy)
    {
        Root = root;
        Collaborators = collaborators;
        Strategy = strategy;
    }

    public string Root { get; }

    public IReadOnlyList<string> Collaborators { get; }

    public string Strategy { get; }

    public string Aggregator => Path.Combine(Root, "agg");

    /// <summary>
    /// Copies the certified federation, puts <paramref name="strategy"/> (and its settings lines) in
    /// the aggregator's plan, freezes it again and hands it to every collaborator, as the operator
    /// would send the new plan.
    /// </summary>
    public static async Task<RobustRun> PrepareAsync(LifecycleFederation certified, string strategy, string? settings, int rounds = RobustAggregationFederation.Rounds)
    {
        string root = Directory.CreateTempSubdirectory("confer-robust-").FullName;
        ResumeRun.CopyFolder(certified.Root, root);
        var run = new RobustRun(root, certified.Collaborators, strategy);
        string planFile = Path.Combine(run.Aggregator, "plan", "plan.yaml");
        string plan = File.ReadAllText(planFile);
        string section = $"strategy:\n  defaults: plan/defaults/strategy.yaml\n  template: {strategy}\n" + (settings is null ? string.Empty : $"  settings:\n{settings}");
        string edited = StrategySection().Replace(plan, section)
            .Replace($"rounds_to_train: {RobustAggregationFederation.Rounds}", $"rounds_to_train: {rounds}", StringComparison.Ordinal);
        Assert.Contains($"template: {strategy}\n", edited, StringComparison.Ordinal);
        Assert.Contains($"rounds_to_train: {rounds}", edited, StringComparison.Ordinal);
        run.Rounds = rounds;
        File.WriteAllText(planFile, edited);
        LifecycleResult frozen = await LifecycleConfer.RunAsync(run.Aggregator, "plan", "freeze", "--force");
        Assert.True(frozen.ExitCode == 0, frozen + "\n" + edited);
        foreach (string name in run.Collaborators)
        {
            string workspace = run.CollaboratorWorkspace(name);
            File.Copy(planFile, Path.Combine(workspace, "plan", "plan.yaml"), overwrite: true);
            File.Copy(planFile + ".sha384", Path.Combine(workspace, "plan", "plan.yaml.sha384"), overwrite: true);
        }

        return run;
    }

    /// <summary>The rounds this run trains.</summary>
    public int Rounds { get; private set; } = RobustAggregationFederation.Rounds;

    public string CollaboratorWorkspace(string name) => Path.Combine(Root, name, "agg");

    /// <summary>
    /// Runs the federation to its end, the collaborators as <c>confer collaborator start</c> except
    /// <paramref name="poisoner"/>, which is the test-side collaborator sending poisoned updates;
    /// then judges the saved last model on the Fashion-MNIST test set.
    /// </summary>
    public async Task<RobustRunOutcome> RunAsync(string? poisoner)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string log = await RunToTheEndAsync(poisoner);
        for (int round = 1; round <= Rounds; round++)
        {
            // Every collaborator's model counted: the poisoned one passed every check; the defence is the aggregation.
            Assert.True(RoundFinished(round).IsMatch(log), Transcript());
        }

        Assert.True(!log.Contains("Refused", StringComparison.Ordinal), Transcript());
        if (poisoner is not null)
        {
            string poisoned = Output(poisoner);
            for (int round = 1; round <= Rounds; round++)
            {
                Assert.True(poisoned.Contains($"Collaborator {poisoner} poisons its train result of round {round}", StringComparison.Ordinal), Transcript());
            }
        }

        double[] roundAccuracies = [.. Enumerable.Range(1, Rounds).Select(r => ValidationAccuracy(log, r))];
        double accuracy = await EvaluateLastAsync();
        return new RobustRunOutcome(Strategy, poisoner is not null, accuracy, roundAccuracies, clock.Elapsed);
    }

    /// <summary>Runs the federation until every process has ended (each with exit 0) and returns the aggregator's log.</summary>
    public async Task<string> RunToTheEndAsync(string? poisoner = null)
    {
        _processes["aggregator"] = LifecycleConfer.Start(Aggregator, "aggregator", "start");
        foreach (string name in Collaborators)
        {
            string workspace = CollaboratorWorkspace(name);
            _processes[name] = name == poisoner
                ? LifecycleConfer.StartProgram(StragglerFederation.TestCollaboratorPath, workspace, "poison", workspace, name, RobustAggregationFederation.Scale.ToString(CultureInfo.InvariantCulture))
                : LifecycleConfer.Start(workspace, "collaborator", "start", "-n", name);
        }

        foreach (LifecycleConfer process in _processes.Values)
        {
            LifecycleResult result;
            try
            {
                result = await process.WaitAsync(RobustAggregationFederation.RunTimeout);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}\n{Transcript()}", ex);
            }

            Assert.True(result.ExitCode == 0, Transcript());
        }

        string log = Output("aggregator");
        Assert.True(log.Contains($"Federation finished: {Rounds} rounds trained", StringComparison.Ordinal), Transcript());
        return log;
    }

    /// <summary>The last model the aggregator saved.</summary>
    public Confer.Core.ModelState LastModel() => Confer.Core.ModelStateSerializer.Load(Path.Combine(Aggregator, "save", "torch_cnn_fashion_mnist_last.pbuf"));

    /// <summary>The initial model of the federation.</summary>
    public Confer.Core.ModelState InitialModel() => Confer.Core.ModelStateSerializer.Load(Path.Combine(Aggregator, "save", "torch_cnn_fashion_mnist_init.pbuf"));

    public async ValueTask DisposeAsync()
    {
        foreach (LifecycleConfer process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }

    private async Task<double> EvaluateLastAsync()
    {
        string last = Path.Combine(Aggregator, "save", "torch_cnn_fashion_mnist_last.pbuf");
        await using LifecycleConfer evaluate = LifecycleConfer.StartProgram(
            StragglerFederation.TestCollaboratorPath, Root, "evaluate", last, RobustAggregationFederation.TestExamples.ToString(CultureInfo.InvariantCulture));
        LifecycleResult result = await evaluate.WaitAsync(LifecycleConfer.CommandTimeout);
        Match match = Accuracy().Match(result.Output);
        Assert.True(result.ExitCode == 0 && match.Success, result.ToString());
        Assert.Equal(RobustAggregationFederation.TestExamples, int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture));
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    private static double ValidationAccuracy(string log, int round)
    {
        Match match = Regex.Match(log, $@"Round {round}: aggregated_model_validation acc: (?<value>[0-9.]+)");
        Assert.True(match.Success, $"no line 'Round {round}: aggregated_model_validation acc: ...' in the aggregator's log:\n{log}");
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    private Regex RoundFinished(int round) =>
        new($@"Round {round} finished in [0-9.]+ s \(15 results, 5 models aggregated with {Regex.Escape(Strategy)}; 0 failures\)");

    private string Output(string name) => _processes[name].Output + _processes[name].Error;

    private string Transcript() => string.Join("\n\n", _processes.Select(p => $"--- {p.Key} ({Strategy}) ---\n{Output(p.Key)}"));

    [GeneratedRegex(@"(?m)^strategy:\n(?:[ \t]+.*\n)*")]
    private static partial Regex StrategySection();

    [GeneratedRegex(@"accuracy (?<value>[0-9.]+) loss \S+ on (?<count>\d+) test examples")]
    private static partial Regex Accuracy();
}
