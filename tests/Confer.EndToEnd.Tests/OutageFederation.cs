namespace Confer.EndToEnd.Tests;

/// <summary>
/// The certified federation of <see cref="ResumeFederation"/> (echo runner with <c>train_step</c>,
/// FedAdam, three rounds, models of 200 000 floats sent in 64 KiB chunks), with a short
/// <c>network.client_reconnect_timeout</c> so that giving up can be tested. The reference run is
/// uninterrupted, every collaborator dialling the aggregator directly.
/// </summary>
public sealed class OutageFederation : IAsyncLifetime
{
    /// <summary>The plan's give-up time: long beside a reconnect on a loaded machine, short for a test.</summary>
    public const int ReconnectTimeoutSeconds = 6;

    /// <summary>The bytes of one serialized model (200 000 float32 values), a little less than what crosses the wire for it.</summary>
    public const long ModelBytes = 200_000 * 4;

    private LifecycleFederation? _certified;

    internal LifecycleFederation Certified => _certified ?? throw new InvalidOperationException("The federation is not certified yet.");

    public byte[] ReferenceLast { get; private set; } = [];

    public byte[] ReferenceBest { get; private set; } = [];

    public static string EditPlan(string plan)
    {
        plan = ResumeFederation.EditPlan(plan).Replace(
            "    client_reconnect_interval: 0.2\n",
            FormattableString.Invariant($"    client_reconnect_interval: 0.2\n    client_reconnect_timeout: {ReconnectTimeoutSeconds}\n"),
            StringComparison.Ordinal);
        Assert.Contains("client_reconnect_timeout", plan, StringComparison.Ordinal);
        return plan;
    }

    public async Task InitializeAsync()
    {
        _certified = await LifecycleFederation.CertifyAsync("echo", EditPlan, "alpha", "beta");
        using var run = ResumeRun.CopyOf(Certified);
        run.StartAggregator();
        run.StartCollaborators();
        await run.WaitForAllAsync();
        run.AssertFinishedCleanly();
        ReferenceLast = run.LastBytes();
        ReferenceBest = run.BestBytes();
    }

    public Task DisposeAsync()
    {
        _certified?.Dispose();
        return Task.CompletedTask;
    }
}
