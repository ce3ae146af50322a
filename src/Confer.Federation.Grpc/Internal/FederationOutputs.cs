using System.Collections.Immutable;
using System.Globalization;
using Confer.Core;
using Confer.Federation.Controllers;
using Confer.Federation.Plans;
using Confer.Plan;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// What a plan-driven aggregator writes as the round controller commits each round, in the order
/// that makes a crash at any point safe: <c>best</c> (only when better; rewritten identically if
/// the round is redone) and the round's rows of <c>logs/metrics.csv</c> before the checkpoint;
/// <c>last</c> (rebuilt from the checkpoint at start when a crash left it behind) and the removal
/// of the round's stored replies after it.
/// </summary>
internal sealed class FederationOutputs(FederationPlan plan, ResultStore store, ILogger logger) : IRoundListener
{
    private readonly MetricsLog? _metricsLog = plan.Aggregator.WriteLogs ? new MetricsLog(Path.Combine(plan.WorkspaceDirectory, AggregatorMetrics.RelativePath)) : null;

    public void RunStarting(int firstRound, ModelState global)
    {
        var lastPath = Resolve(plan.Aggregator.LastStatePath);
        AtomicFile.DeleteLeftover(lastPath);
        AtomicFile.DeleteLeftover(Resolve(plan.Aggregator.BestStatePath));
        if (store.SetAsideAtStart is { } aside)
        {
            if (aside.OtherPlanHash is { } other)
            {
                DurabilityLog.OtherPlanSetAside(logger, other, aside.OtherNextRound, plan.Hash, aside.Path);
            }
            else
            {
                DurabilityLog.NoCheckpointSetAside(logger, store.Directory, aside.Path);
            }
        }

        foreach (var stale in store.RemovedAtStart)
        {
            DurabilityLog.AggregatedRoundRemoved(logger, stale);
        }

        if (firstRound > 1)
        {
            var bytes = ModelStateSerializer.ToProto(global, RoundMetadata(firstRound - 1)).ToByteArray();
            if (!File.Exists(lastPath) || !File.ReadAllBytes(lastPath).AsSpan().SequenceEqual(bytes))
            {
                WriteState(lastPath, global, firstRound - 1);
                DurabilityLog.LastRestored(logger, firstRound - 1, lastPath);
            }
        }

        if (_metricsLog is not null)
        {
            var dropped = _metricsLog.Resume(firstRound);
            AggregatorLog.WritingMetrics(logger, _metricsLog.Path, firstRound, dropped);
        }
    }

    public void RoundAggregated(RoundOutcome outcome)
    {
        var round = outcome.Record.Round;
        if (outcome.IsNewBest)
        {
            var bestPath = Resolve(plan.Aggregator.BestStatePath);
            WriteState(bestPath, outcome.BestModel, round);
            AggregatorLog.SavedBest(logger, outcome.BestScore!.Value, bestPath);
        }

        // Before the round's checkpoint: a crash in between redoes the round, and the restart drops these rows first.
        _metricsLog?.Append(Rows(outcome.Record));
        FaultInjection.Reach(FaultInjection.BeforeCheckpoint, round);
    }

    public void RoundCommitted(RoundOutcome outcome)
    {
        var round = outcome.Record.Round;
        FaultInjection.Reach(FaultInjection.WhileSaving, round);
        var lastPath = Resolve(plan.Aggregator.LastStatePath);
        WriteState(lastPath, outcome.Output, round);
        AggregatorLog.SavedLast(logger, round, lastPath);
        store.DeleteRound(round);
    }

    /// <summary>
    /// A round's rows: every collaborator's metrics per task, then each task's aggregate (the
    /// value the plan's strategy computed, over the examples of the collaborators that reported it);
    /// tasks in name order, collaborators in fold order.
    /// </summary>
    private static List<AggregatorMetric> Rows(RoundRecord record)
    {
        var rows = new List<AggregatorMetric>();
        foreach (var task in record.Reports.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var report in task)
            {
                rows.AddRange(report.Metrics.Select(m => new AggregatorMetric(record.Round, task.Key, m.Key, report.NodeId, m.Value, report.ExampleCount)));
            }

            foreach (var name in task.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (record.MetricsDistributedFit.TryGetValue(PlanStrategy.MetricKey(task.Key, name), out var value))
                {
                    var examples = task.Where(r => r.Metrics.TryGetValue(name, out var v) && double.IsFinite(v)).Sum(r => r.ExampleCount);
                    rows.Add(new AggregatorMetric(record.Round, task.Key, name, null, value, examples));
                }
            }
        }

        return rows;
    }

    /// <summary>Saves a state with its round in the metadata, streamed to the file (no encoded copy in memory), atomically.</summary>
    private static void WriteState(string path, ModelState state, int round) =>
        AtomicFile.Write(path, (state, round), static (stream, s) => ModelStateSerializer.Serialize(s.state, stream, RoundMetadata(s.round)));

    private static ImmutableDictionary<string, string> RoundMetadata(int round) =>
        ImmutableDictionary<string, string>.Empty.Add("round", round.ToString(CultureInfo.InvariantCulture));

    private string Resolve(string relative) => Path.Combine(plan.WorkspaceDirectory, relative);
}
