using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Confer.Testing;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Network outages with real processes: collaborator alpha reaches the aggregator through a
/// <see cref="TcpFaultProxy"/> that drops, blackholes, delays and cuts its connections while beta
/// dials directly. Training must complete with the final and best models bit-identical to an
/// uninterrupted run and every result counted once; an outage longer than the plan's
/// <c>client_reconnect_timeout</c> must end the collaborator with a message that says what to change.
/// </summary>
public sealed partial class OutageTests(OutageFederation federation) : IClassFixture<OutageFederation>
{
    private static readonly TimeSpan Timeout = ResumeFederation.RunTimeout;

    [Fact]
    public async Task ConnectionsDroppedAndBlackholedRepeatedly_TrainingCompletes_FinalModelIsBitIdentical()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        await using var proxy = TcpFaultProxy.Start(federation.Certified.Port);
        LifecycleConfer aggregator = run.StartAggregator();
        run.StartCollaborator("beta");
        LifecycleConfer alpha = run.StartCollaborator("alpha", null, "--aggregator", proxy.Address);

        for (int round = 1; round <= ResumeFederation.Rounds; round++)
        {
            // Right after the tasks come: the model download is under way or about to start.
            await alpha.WaitForOutputAsync($"Received tasks for round {round}", Timeout);
            if (round == 2)
            {
                // A firewall that swallows packets: the reconnection hangs until the test lets it fail.
                proxy.Blackhole(true);
                Assert.True(proxy.DropAll() > 0, proxy.ToString());
                await proxy.WaitUntilAsync(p => p.Blackholed > 0, Timeout, "a blackholed connection");
                proxy.Blackhole(false);
            }
            else
            {
                Assert.True(proxy.DropAll() > 0, proxy.ToString());
            }

            // Between tasks: the result uploads and the long poll for the next round.
            await alpha.WaitForOutputAsync($"Task train of round {round} done", Timeout);
            Assert.True(proxy.DropAll() > 0, proxy.ToString());
        }

        await run.WaitForAllAsync();
        AssertCompletedAsUninterrupted(run, aggregator);

        // Every drop was followed by a new connection: alpha reconnected by itself each time.
        Assert.True(proxy.Dropped >= 2 * ResumeFederation.Rounds, proxy.ToString());
        Assert.True(proxy.Accepted > 2 * ResumeFederation.Rounds, proxy.ToString());
        AssertAllModelsWentThroughTheProxy(proxy);
    }

    [Fact]
    public async Task EveryChunkDelayed_TrainingCompletes_FinalModelIsBitIdentical()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        await using var proxy = TcpFaultProxy.Start(federation.Certified.Port);
        proxy.ChunkDelay = TimeSpan.FromMilliseconds(15);
        LifecycleConfer aggregator = run.StartAggregator();
        run.StartCollaborator("beta");
        run.StartCollaborator("alpha", null, "--aggregator", proxy.Address);

        await run.WaitForAllAsync();
        AssertCompletedAsUninterrupted(run, aggregator);

        // Each model crossed the proxy in 16 KiB pieces at most, each one after the delay.
        AssertAllModelsWentThroughTheProxy(proxy);
        Assert.True(proxy.DelayedChunks >= 2 * ResumeFederation.Rounds * OutageFederation.ModelBytes / (16 * 1024), proxy.ToString());
    }

    [Fact]
    public async Task StreamsCutMidDownloadAndMidUpload_TransfersRecover_EachResultIsStoredOnce_FinalModelIsBitIdentical()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        await using var proxy = TcpFaultProxy.Start(federation.Certified.Port);

        // Before alpha dials: the first 300 000 bytes downstream are the handshake, one task list
        // and the first part of round 1's model (800 000 bytes), so the cut lands inside the download.
        Task<ProxyCut> downloadCut = proxy.CutAfter(ProxyDirection.Downstream, 300_000);
        LifecycleConfer aggregator = run.StartAggregator();
        run.StartCollaborator("beta");
        LifecycleConfer alpha = run.StartCollaborator("alpha", null, "--aggregator", proxy.Address);
        ProxyCut down = await downloadCut.DefaultTimeout(Timeout);
        await alpha.WaitForOutputAsync("Downloaded the global model of round 1", Timeout);

        // Upstream, only a trained model is that large: the cut lands inside a train result's upload.
        ProxyCut up = await proxy.CutAfter(ProxyDirection.Upstream, 400_000).DefaultTimeout(Timeout);

        await run.WaitForAllAsync();
        AssertCompletedAsUninterrupted(run, aggregator);
        string alphaLog = alpha.Output + alpha.Error;
        string aggregatorLog = aggregator.Output + aggregator.Error;

        // The download was cut with part of the model received, then completed and passed its hash check.
        Assert.True(down.ConnectionBytes is > 50_000 and < OutageFederation.ModelBytes, $"{down}\n{run.Transcript}");
        Assert.Single(Regex.Matches(alphaLog, "Downloaded the global model of round 1"));
        Assert.DoesNotContain("Refused the global model", alphaLog, StringComparison.Ordinal);

        // The upload was cut after 400 000 of its bytes: alpha's last failure came between sending a
        // validation result and finishing the train task of the same round, and the train result was sent again.
        Assert.True(up.ConnectionBytes >= 400_000, $"{up}\n{run.Transcript}");
        string[] lines = alphaLog.Split('\n');
        int failure = Array.FindLastIndex(lines, l => l.Contains("cannot reach the aggregator", StringComparison.Ordinal));
        Assert.True(failure > 0, run.Transcript);
        Match before = Regex.Match(Array.FindLast(lines[..failure], l => l.Contains("] Task ", StringComparison.Ordinal)) ?? string.Empty, @"Task aggregated_model_validation of round (\d+) done");
        Assert.True(before.Success, run.Transcript);
        string? after = Array.Find(lines[failure..], l => l.Contains("] Task ", StringComparison.Ordinal));
        Assert.True(after is not null && after.Contains($"Task train of round {before.Groups[1].Value} done", StringComparison.Ordinal), run.Transcript);

        // If the aggregator had begun storing the cut upload, it says so and removed the partial file;
        // either way it began one train upload of alpha's per round plus the broken ones, and counted each result once.
        int brokeOff = Regex.Matches(aggregatorLog, "The upload of train from collaborator alpha, round [0-9]+ broke off").Count;
        Assert.InRange(brokeOff, 0, 1);
        Assert.Equal(ResumeFederation.Rounds + brokeOff, Regex.Matches(aggregatorLog, "Collaborator alpha is sending task results for train, round").Count);
        Assert.True(Regex.Matches(alphaLog, "cannot reach the aggregator").Count >= 2, run.Transcript);
        Assert.True(proxy.Dropped >= 2, proxy.ToString());
    }

    [Fact]
    public async Task AggregatorUnreachableLongerThanTheReconnectTimeout_CollaboratorExitsOne_NamingAddressTimeAndSetting()
    {
        using var run = ResumeRun.CopyOf(federation.Certified);
        await using var proxy = TcpFaultProxy.Start(federation.Certified.Port);
        run.StartAggregator();
        run.StartCollaborator("beta");
        LifecycleConfer alpha = run.StartCollaborator("alpha", null, "--aggregator", proxy.Address);
        await alpha.WaitForOutputAsync("Task train of round 1 done", Timeout);

        // From now on the aggregator looks down to alpha: its connection reset, every new one refused.
        proxy.Refuse(true);
        Assert.True(proxy.DropAll() > 0, proxy.ToString());
        var outage = Stopwatch.StartNew();
        LifecycleResult gaveUp = await alpha.WaitAsync(Timeout);
        outage.Stop();
        run.Running.Remove(alpha);

        string log = gaveUp.Output + gaveUp.Error;
        Assert.True(gaveUp.ExitCode == 1, run.Transcript);
        Match message = GaveUpMessage().Match(log);
        Assert.True(message.Success, run.Transcript);
        Assert.Equal($"{proxy.Address}/", message.Groups["address"].Value);
        double tried = double.Parse(message.Groups["seconds"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(tried, OutageFederation.ReconnectTimeoutSeconds, OutageFederation.ReconnectTimeoutSeconds + 5);
        Assert.Equal(OutageFederation.ReconnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture), message.Groups["timeout"].Value);
        Assert.True(outage.Elapsed >= TimeSpan.FromSeconds(OutageFederation.ReconnectTimeoutSeconds), $"{outage.Elapsed}\n{run.Transcript}");

        // It retried, with backoff, before giving up.
        Assert.True(proxy.Refused >= 3, proxy.ToString());
        Assert.True(Regex.Matches(log, "cannot reach the aggregator").Count >= 3, run.Transcript);
    }

    /// <summary>Every process exited 0, each round counted both collaborators' three results once, and the models equal the uninterrupted run's.</summary>
    private void AssertCompletedAsUninterrupted(ResumeRun run, LifecycleConfer aggregator)
    {
        run.AssertFinishedCleanly();

        // An outage is an expected event: no process logs it as an error.
        Assert.True(!run.Transcript.Contains(" fail: ", StringComparison.Ordinal), run.Transcript);
        List<string> summaries = ResumeRun.RoundSummaries(aggregator.Output + aggregator.Error);
        Assert.Equal(ResumeFederation.Rounds, summaries.Count);
        Assert.True(summaries.All(s => s.EndsWith("6 results, 2 models aggregated", StringComparison.Ordinal)), run.Transcript);
        Assert.Equal(federation.ReferenceLast, run.LastBytes());
        Assert.Equal(federation.ReferenceBest, run.BestBytes());
    }

    private static void AssertAllModelsWentThroughTheProxy(TcpFaultProxy proxy)
    {
        Assert.True(proxy.BytesDown >= ResumeFederation.Rounds * OutageFederation.ModelBytes, proxy.ToString());
        Assert.True(proxy.BytesUp >= ResumeFederation.Rounds * OutageFederation.ModelBytes, proxy.ToString());
    }

    [GeneratedRegex(@"gave up reaching the aggregator at (?<address>\S+) after (?<seconds>[0-9.]+) s of failed attempts \(network\.client_reconnect_timeout is (?<timeout>[0-9]+) s; raise it in the plan to keep trying longer\)")]
    private static partial Regex GaveUpMessage();
}
