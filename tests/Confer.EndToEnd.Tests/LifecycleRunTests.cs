using Confer.Core;
using Confer.Federation.Grpc;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// The paper's steps 15–19: the certified federation of steps 1–14 runs two rounds of the echo
/// template with one aggregator and two collaborator processes of the built <c>confer</c> binary.
/// </summary>
public sealed class LifecycleRunTests
{
    /// <summary>A whole federation on a loaded two-core machine: generous, but bounded.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task PaperSteps_TwoRoundsOfEcho_SaveBestAndLastAndEveryProcessExitsZero()
    {
        using LifecycleFederation federation = await LifecycleFederation.CertifyAsync("alpha", "beta");
        var processes = new List<LifecycleConfer>();
        try
        {
            // 15 and 16: the aggregator and each collaborator in its own workspace; collaborators retry until it listens.
            LifecycleConfer aggregator = LifecycleConfer.Start(federation.Aggregator, "aggregator", "start");
            processes.Add(aggregator);
            foreach (string name in federation.Collaborators)
            {
                processes.Add(LifecycleConfer.Start(federation.CollaboratorWorkspace(name), "collaborator", "start", "-n", name));
            }

            // 18: every process ends by itself once the rounds are trained.
            var results = new List<LifecycleResult>();
            foreach (LifecycleConfer process in processes)
            {
                results.Add(await process.WaitAsync(RunTimeout));
            }

            string transcript = string.Join("\n\n", results);
            Assert.All(results, r => Assert.True(r.ExitCode == 0, transcript));

            // 17: the aggregator's log tells the rounds as OpenFL's does; rounds count from 1, so round 2 is the second.
            string log = results[0].Output + results[0].Error;
            foreach (string name in federation.Collaborators)
            {
                Assert.True(log.Contains($"Collaborator {name} is sending task results for train, round 2", StringComparison.Ordinal), transcript);
            }

            Assert.True(log.Contains("Saved the best model with score", StringComparison.Ordinal), transcript);
            Assert.True(log.Contains("Saved the last model of round 2", StringComparison.Ordinal), transcript);
            Assert.True(log.Contains("Federation finished: 2 rounds trained", StringComparison.Ordinal), transcript);
            foreach (LifecycleResult collaborator in results.Skip(1))
            {
                Assert.True((collaborator.Output + collaborator.Error).Contains("the federation is over", StringComparison.Ordinal), transcript);
            }

            // 19: the echo runner returns its input, so the averaged models are the initial one.
            ModelState initial = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "echo_init.pbuf"));
            ModelState best = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "echo_best.pbuf"));
            ModelState last = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "echo_last.pbuf"));
            Assert.Null(initial.FindFirstMismatch(best));
            Assert.Null(initial.FindFirstMismatch(last));
            Assert.Equal(initial.ComputeHash(), last.ComputeHash());

            // The template's write_logs: every round's metrics in logs/metrics.csv (three tasks, one
            // metric each, per collaborator and aggregated), drawn in logs/metrics.png.
            IReadOnlyList<AggregatorMetric> metrics = AggregatorMetrics.Read(Path.Combine(federation.Aggregator, AggregatorMetrics.RelativePath));
            Assert.True(metrics.Count == 2 * 3 * (federation.Collaborators.Count + 1), transcript);
            Assert.Equal([1, 2], metrics.Select(m => m.Round).Distinct());
            string plot = Path.Combine(federation.Aggregator, "logs", "metrics.png");
            Assert.True(log.Contains($"Wrote the per-round metrics plot to {plot}", StringComparison.Ordinal), transcript);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(plot)[..4]);
        }
        finally
        {
            foreach (LifecycleConfer process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}
