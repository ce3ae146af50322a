using System.Diagnostics;
using System.Text.RegularExpressions;
using Confer.Testing;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// A certified federation (aggregator and collaborators <c>alpha</c>, <c>beta</c>) whose plan makes
/// every round's result depend on the collaborator and the round, with a server optimizer that
/// keeps state across rounds: the echo runner with <c>train_step</c>, FedAdam, three rounds.
/// It is certified once; each test runs in its own copy. The reference run is uninterrupted.
/// </summary>
public sealed class ResumeFederation : IAsyncLifetime
{
    public const int Rounds = 3;

    /// <summary>A whole federation with a restart on a loaded two-core machine: generous, but bounded.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private LifecycleFederation? _certified;

    internal LifecycleFederation Certified => _certified ?? throw new InvalidOperationException("The federation is not certified yet.");

    /// <summary>The uninterrupted run's saved states: the final model, the best model.</summary>
    public byte[] ReferenceLast { get; private set; } = [];

    public byte[] ReferenceBest { get; private set; } = [];

    /// <summary>The uninterrupted run's logs/metrics.csv (the template says write_logs: true): each round's rows once.</summary>
    public string ReferenceMetrics { get; private set; } = string.Empty;

    public static string EditPlan(string plan)
    {
        plan = plan.Replace("rounds_to_train: 2", $"rounds_to_train: {Rounds}", StringComparison.Ordinal)
            .Replace("    model_size: 100000\n", "    model_size: 200000\n    train_step: 0.01\n", StringComparison.Ordinal)
            .Replace("    agg_port: 50051\n", "    agg_port: 50051\n    client_reconnect_interval: 0.2\n    limits:\n      chunk_size: 65536\n", StringComparison.Ordinal)
            .Replace("strategy:\n  defaults: plan/defaults/strategy.yaml\n", "strategy:\n  defaults: plan/defaults/strategy.yaml\n  template: fedadam\n  settings:\n    eta: 0.05\n", StringComparison.Ordinal);
        Assert.Contains("train_step", plan, StringComparison.Ordinal);
        Assert.Contains("client_reconnect_interval", plan, StringComparison.Ordinal);
        Assert.Contains("template: fedadam", plan, StringComparison.Ordinal);
        return plan;
    }

    public async Task InitializeAsync()
    {
        _certified = await LifecycleFederation.CertifyAsync("echo", EditPlan, "alpha", "beta");
        using var run = ResumeRun.CopyOf(Certified);
        LifecycleConfer aggregator = run.StartAggregator();
        run.StartCollaborators();
        await run.WaitForAllAsync();
        run.AssertFinishedCleanly();
        Assert.Contains("models aggregated with fedadam", aggregator.Output + aggregator.Error, StringComparison.Ordinal);
        ReferenceLast = run.LastBytes();

        // The rounds moved the model: bit-identity below is about something.
        Confer.Core.ModelState initial = Confer.Core.ModelStateSerializer.Load(Path.Combine(run.Aggregator, "save", "echo_init.pbuf"));
        Assert.NotEqual(initial.ComputeHash(), Confer.Core.ModelStateSerializer.Deserialize(ReferenceLast).ComputeHash());
        ReferenceBest = run.BestBytes();
        ReferenceMetrics = run.MetricsCsv();
        Assert.Equal(Rounds, Confer.Federation.Grpc.AggregatorMetrics.Read(Path.Combine(run.Aggregator, Confer.Federation.Grpc.AggregatorMetrics.RelativePath)).Select(m => m.Round).Distinct().Count());
    }

    public Task DisposeAsync()
    {
        _certified?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>One run of the certified federation in a fresh copy of its folders, with its processes.</summary>
internal sealed partial class ResumeRun : IDisposable
{
    private readonly List<LifecycleConfer> _processes = [];

    private ResumeRun(string root, IReadOnlyList<string> collaborators)
    {
        Root = root;
        Collaborators = collaborators;
    }

    public string Root { get; }

    public IReadOnlyList<string> Collaborators { get; }

    public string Aggregator => Path.Combine(Root, "agg");

    /// <summary>Processes still expected to end by themselves (the federation's survivors).</summary>
    public List<LifecycleConfer> Running { get; } = [];

    public static ResumeRun CopyOf(LifecycleFederation federation)
    {
        string root = Directory.CreateTempSubdirectory("confer-resume-").FullName;
        CopyFolder(federation.Root, root);
        return new ResumeRun(root, federation.Collaborators);
    }

    public static IReadOnlyDictionary<string, string> Fault(string point, int round) =>
        new Dictionary<string, string> { ["CONFER_FAULT"] = FormattableString.Invariant($"crash:{point}:{round}") };

    public LifecycleConfer StartAggregator(IReadOnlyDictionary<string, string>? environment = null) =>
        Track(LifecycleConfer.Start(Aggregator, environment ?? new Dictionary<string, string>(), "aggregator", "start"));

    public LifecycleConfer StartCollaborator(string name, IReadOnlyDictionary<string, string>? environment = null, params string[] extraArgs) =>
        Track(LifecycleConfer.Start(Path.Combine(Root, name, "agg"), environment ?? new Dictionary<string, string>(), ["collaborator", "start", "-n", name, .. extraArgs]));

    /// <summary>
    /// Starts a collaborator whose tasks of <paramref name="holdRound"/> wait until <paramref name="releaseFile"/>
    /// exists (the test-side collaborator, same echo runner): the round cannot close while it is held.
    /// </summary>
    public LifecycleConfer StartHeldCollaborator(string name, int holdRound, string releaseFile) =>
        Track(LifecycleConfer.StartProgram(StragglerFederation.TestCollaboratorPath, Path.Combine(Root, name, "agg"), Path.Combine(Root, name, "agg"), name, holdRound.ToString(System.Globalization.CultureInfo.InvariantCulture), releaseFile));

    public void StartCollaborators()
    {
        foreach (string name in Collaborators)
        {
            StartCollaborator(name);
        }
    }

    /// <summary>Waits for a process that is meant to crash; it no longer counts as running.</summary>
    public async Task<LifecycleResult> WaitForCrashAsync(LifecycleConfer process)
    {
        LifecycleResult result = await process.WaitAsync(ResumeFederation.RunTimeout);
        Running.Remove(process);
        Assert.True(result.ExitCode != 0, $"The process was meant to be killed, but it ended by itself.\n{result}");
        return result;
    }

    /// <summary>Sends SIGKILL from outside, as an operator's <c>kill -9</c> does.</summary>
    public async Task KillNineAsync(LifecycleConfer process)
    {
        using var kill = Process.Start("kill", ["-9", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().DefaultTimeout();
        Assert.Equal(0, kill.ExitCode);
        await WaitForCrashAsync(process);
    }

    public List<LifecycleResult> Results { get; } = [];

    public async Task WaitForAllAsync()
    {
        foreach (LifecycleConfer process in Running)
        {
            Results.Add(await process.WaitAsync(ResumeFederation.RunTimeout));
        }
    }

    public string Transcript => string.Join("\n\n", _processes.Select(p => $"confer {p.Command}\n--- out ---\n{p.Output}\n--- err ---\n{p.Error}"));

    /// <summary>Every survivor exited 0, every round was saved, and no temporary file or round folder is left.</summary>
    public void AssertFinishedCleanly()
    {
        Assert.All(Results, r => Assert.True(r.ExitCode == 0, Transcript));
        LifecycleResult aggregator = Results.Single(r => r.Command.StartsWith("aggregator", StringComparison.Ordinal));
        Assert.True(aggregator.Output.Contains($"Federation finished: {ResumeFederation.Rounds} rounds trained", StringComparison.Ordinal), Transcript);
        string save = Path.Combine(Aggregator, "save");
        string[] leftovers = [.. Directory.EnumerateFiles(save, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".partial", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal))];
        Assert.True(leftovers.Length == 0, $"Left behind: {string.Join(", ", leftovers)}\n{Transcript}");
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(save, "federation"), "round_*"));
    }

    public byte[] LastBytes() => File.ReadAllBytes(Path.Combine(Aggregator, "save", "echo_last.pbuf"));

    public byte[] BestBytes() => File.ReadAllBytes(Path.Combine(Aggregator, "save", "echo_best.pbuf"));

    public string MetricsCsv() => File.ReadAllText(Path.Combine(Aggregator, Confer.Federation.Grpc.AggregatorMetrics.RelativePath));

    /// <summary>How many results and models each round aggregated, from the aggregator's log.</summary>
    public static List<string> RoundSummaries(string log) =>
        [.. RoundFinished().Matches(log).Select(m => m.Groups[1].Value + ": " + m.Groups[2].Value)];

    public void Dispose()
    {
        foreach (LifecycleConfer process in _processes)
        {
            process.DisposeAsync().AsTask().GetAwaiter().GetResult();
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

    private LifecycleConfer Track(LifecycleConfer process)
    {
        _processes.Add(process);
        Running.Add(process);
        return process;
    }

    /// <summary>Copies a folder tree (a certified federation) to a new place.</summary>
    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.EnumerateDirectories(from))
        {
            CopyFolder(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    [GeneratedRegex(@"Round (\d+) finished in [0-9.]+ s \((\d+ results, \d+ models aggregated)")]
    private static partial Regex RoundFinished();
}
