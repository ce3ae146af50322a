namespace Confer.EndToEnd.Tests;

/// <summary>
/// The straggler policies with real processes: the aggregator and honest collaborators are the
/// built <c>confer</c>; a straggler is the test-side collaborator held at round 1 until the test
/// releases it, so who is late is decided by the test, not by the machine's load.
/// </summary>
public sealed class StragglerTests(StragglerFederation fixture) : IClassFixture<StragglerFederation>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private LifecycleFederation Federation => fixture.Federation;

    [Fact]
    public async Task CutoffTime_CutsTheRoundWithoutTheStraggler_RefusesItsLateResult_AndItJoinsTheNextRound()
    {
        await fixture.ConfigureAsync("  template: CutoffTime\n  settings:\n    straggler_cutoff_time: 5\n    minimum_reporting: 2\n", rounds: 2);
        await using var run = new StragglerRun(Federation);
        await run.StartAsync(honest: ["alpha", "beta"], held: ["gamma"]);

        await run.WaitForAggregatorAsync("Round 1 closed by the straggler policy CutoffTime: 2 of 3 nodes reported; missing: gamma");
        run.Release("gamma");
        // Late for round 1: refused whether round 1 is still closing (RoundClosed) or round 2 has begun (StaleRound).
        await run.WaitForAggregatorAsync("Refused task results from gamma for", "round 1: ");

        string log = await run.FinishAsync();
        Assert.Contains("Collaborator gamma is sending task results for train, round 2", log, StringComparison.Ordinal);
        Assert.Contains("Round 2 finished", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Round 2 closed by the straggler policy", log, StringComparison.Ordinal);
        Assert.Contains("The aggregator did not take the", run.Output("gamma"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Percentage_ClosesTheRoundAtTheFraction()
    {
        await fixture.ConfigureAsync("  template: Percentage\n  settings:\n    percent_collaborators_needed: 0.66\n    minimum_reporting: 1\n", rounds: 1);
        await using var run = new StragglerRun(Federation);
        await run.StartAsync(honest: ["alpha", "beta"], held: ["gamma"]);

        // 0.66 × 3 rounds up to 2: closed with alpha and beta, never with one of them alone.
        await run.WaitForAggregatorAsync("Round 1 closed by the straggler policy Percentage: 2 of 3 nodes reported; missing: gamma");
        run.Release("gamma");
        await run.WaitForAggregatorAsync("Refused task results from gamma for", "round 1: RoundClosed: ");
        string log = await run.FinishAsync();
        Assert.Contains("Round 1 finished", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Collaborator gamma is sending task results", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForAll_WaitsForTheStraggler()
    {
        await fixture.ConfigureAsync("  template: WaitForAll\n", rounds: 1);
        await using var run = new StragglerRun(Federation);
        await run.StartAsync(honest: ["alpha", "beta"], held: ["gamma"]);

        // alpha and beta are done with round 1 (every result acknowledged) while gamma is held.
        foreach (string name in new[] { "alpha", "beta" })
        {
            foreach (string task in new[] { "aggregated_model_validation", "train", "locally_tuned_model_validation" })
            {
                await run.WaitForAsync(name, $"Task {task} of round 1 done");
            }
        }

        await run.WaitForAsync("gamma", "Holding");
        Assert.DoesNotContain("Round 1 finished", run.Output("aggregator"), StringComparison.Ordinal);
        run.Release("gamma");

        string log = await run.FinishAsync();
        Assert.Contains("Round 1 finished", log, StringComparison.Ordinal);
        Assert.Contains("(9 results, 3 models aggregated", log, StringComparison.Ordinal);
        Assert.Contains("Collaborator gamma is sending task results for train, round 1", log, StringComparison.Ordinal);
        Assert.DoesNotContain("closed by the straggler policy", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Refused", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MinimumReporting_IsHonoured_TheRoundNeverClosesBelowIt()
    {
        // By the fraction alone one result of three would close the round; the minimum says two.
        await fixture.ConfigureAsync("  template: Percentage\n  settings:\n    percent_collaborators_needed: 0.3\n    minimum_reporting: 2\n", rounds: 1);
        await using var run = new StragglerRun(Federation);
        await run.StartAsync(honest: ["alpha"], held: ["beta", "gamma"]);

        // alpha has reported everything; beta is let go only then, so a round closed below the minimum would show "1 of 3".
        await run.WaitForAsync("alpha", "Task locally_tuned_model_validation of round 1 done");
        await run.WaitForAsync("alpha", "Task train of round 1 done");
        await run.WaitForAsync("alpha", "Task aggregated_model_validation of round 1 done");
        run.Release("beta");
        await run.WaitForAggregatorAsync("Round 1 closed by the straggler policy Percentage: 2 of 3 nodes reported; missing: gamma");
        run.Release("gamma");
        await run.WaitForAggregatorAsync("Refused task results from gamma for", "round 1: RoundClosed: ");
        string log = await run.FinishAsync();
        Assert.DoesNotContain("1 of 3 nodes reported", log, StringComparison.Ordinal);
    }

    /// <summary>One federation run: the aggregator, honest CLI collaborators, and held test-side collaborators.</summary>
    private sealed class StragglerRun(LifecycleFederation federation) : IAsyncDisposable
    {
        private readonly Dictionary<string, LifecycleConfer> _processes = new(StringComparer.Ordinal);

        /// <summary>
        /// Starts the aggregator, then the held collaborators, and the honest ones only once every
        /// held one has its round-1 tasks: otherwise a held one still backing off from an early
        /// connection attempt could miss round 1 altogether instead of being late in it.
        /// </summary>
        public async Task StartAsync(string[] honest, string[] held)
        {
            _processes["aggregator"] = LifecycleConfer.Start(federation.Aggregator, "aggregator", "start");
            foreach (string name in held)
            {
                File.Delete(ReleaseFile(name));
                string workspace = federation.CollaboratorWorkspace(name);
                _processes[name] = LifecycleConfer.StartProgram(StragglerFederation.TestCollaboratorPath, workspace, workspace, name, "1", ReleaseFile(name));
            }

            foreach (string name in held)
            {
                await WaitForAsync(name, "Holding");
            }

            foreach (string name in honest)
            {
                _processes[name] = LifecycleConfer.Start(federation.CollaboratorWorkspace(name), "collaborator", "start", "-n", name);
            }
        }

        public string Output(string name) => _processes[name].Output + _processes[name].Error;

        public void Release(string name) => File.WriteAllText(ReleaseFile(name), "go");

        public Task<string> WaitForAggregatorAsync(params string[] fragments) => WaitForAsync("aggregator", fragments);

        public async Task<string> WaitForAsync(string process, params string[] fragments)
        {
            using var timeout = new CancellationTokenSource(RunTimeout);
            while (true)
            {
                string? line = Output(process).Split('\n').FirstOrDefault(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)));
                if (line is not null)
                {
                    return line;
                }

                Assert.False(timeout.IsCancellationRequested, $"{process} never logged a line with '{string.Join("', '", fragments)}'.\n{Transcript()}");
                await Task.Delay(50, CancellationToken.None);
            }
        }

        /// <summary>Waits for every process to end by itself, asserts each exited 0, and returns the aggregator's log.</summary>
        public async Task<string> FinishAsync()
        {
            var results = new List<LifecycleResult>();
            foreach (LifecycleConfer process in _processes.Values)
            {
                results.Add(await process.WaitAsync(RunTimeout));
            }

            Assert.All(results, r => Assert.True(r.ExitCode == 0, Transcript()));
            string log = Output("aggregator");
            Assert.Contains("Federation finished", log, StringComparison.Ordinal);
            return log;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (LifecycleConfer process in _processes.Values)
            {
                await process.DisposeAsync();
            }
        }

        private string ReleaseFile(string name) => Path.Combine(federation.Root, $"release-{name}");

        private string Transcript() => string.Join("\n\n", _processes.Select(p => $"--- {p.Key} ---\n{Output(p.Key)}"));
    }
}
