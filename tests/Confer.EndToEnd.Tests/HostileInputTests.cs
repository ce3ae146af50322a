using Confer.Testing;
using Confer.Protos.V1;
using Confer.Protos.V2;
using ReasonCode = Confer.Protos.V2.ReasonCode;
using Google.Protobuf;
using Grpc.Core;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Bad and malicious input against the real <c>confer aggregator start</c>: a certified, authorized
/// collaborator sends crafted messages over mutual TLS while two honest collaborator processes
/// train. Each attack is refused with a clear status, logged by the aggregator, leaves nothing in
/// its results folder, and the federation completes.
/// </summary>
public sealed class HostileInputTests(HostileFederation fixture) : IClassFixture<HostileFederation>
{
    private LifecycleFederation Federation => fixture.Federation;

    [Fact]
    public async Task MalformedProtobuf_IsRefusedAsInvalidArgument()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        await run.Mallory.GetTasksAsync();

        // Field 1 (the header), length-delimited, claims 127 bytes and has one: not a ReplyChunk.
        var raw = new Method<byte[], PushReplyResponse>(
            MethodType.ClientStreaming,
            "confer.v2.Grid",
            "PushReply",
            Marshallers.Create<byte[]>(b => b, b => b),
            Marshallers.Create<PushReplyResponse>(r => r.ToByteArray(), PushReplyResponse.Parser.ParseFrom));
        using AsyncClientStreamingCall<byte[], PushReplyResponse> call = run.Mallory.Channel.CreateCallInvoker().AsyncClientStreamingCall(raw, null, new CallOptions(run.Mallory.Headers));
        try
        {
            await call.RequestStream.WriteAsync([0x0A, 0x7F, 0x01]).DefaultTimeout();
            await call.RequestStream.CompleteAsync().DefaultTimeout();
        }
        catch (RpcException)
        {
            // Refused before the stream was complete; the status below says why.
        }

        RpcException refusal = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync).DefaultTimeout();
        await run.AssertRefusedAsync(refusal, StatusCode.InvalidArgument, ReasonCode.Malformed, "is not a valid ReplyChunk message");
        await run.FinishAsync();
    }

    [Fact]
    public async Task ChunkSequenceWithRepeatOrGap_IsRefusedAsInvalidArgument()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        HostileTasks tasks = await run.Mallory.GetTasksAsync();
        byte[] model = await run.Mallory.DownloadAsync(tasks.Round).DefaultTimeout();
        List<ReplyChunk> honest = HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", model), model, chunkSize: 64);
        Assert.True(honest.Count >= 4, "the model must span several chunks");

        // A repeat: the first data chunk sent twice.
        List<ReplyChunk> repeat = [honest[0], honest[1], honest[1], .. honest.Skip(2)];
        RpcException repeated = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(repeat)).DefaultTimeout();
        await run.AssertRefusedAsync(repeated, StatusCode.InvalidArgument, ReasonCode.Malformed, "a data chunk at offset 0, but 64 bytes came before it");

        // A gap: the second data chunk left out, the rest padded so the total length still matches.
        List<ReplyChunk> gap = [honest[0], honest[1], .. honest.Skip(3), new ReplyChunk { Offset = model.Length, Data = ByteString.CopyFrom(new byte[64]) }];
        RpcException skipped = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(gap)).DefaultTimeout();
        await run.AssertRefusedAsync(skipped, StatusCode.InvalidArgument, ReasonCode.Malformed, "a data chunk at offset 128, but 64 bytes came before it");
        await run.FinishAsync();
    }

    [Fact]
    public async Task UploadedModelWithWrongHash_IsRefusedAsDataLoss()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        HostileTasks tasks = await run.Mallory.GetTasksAsync();
        byte[] model = await run.Mallory.DownloadAsync(tasks.Round).DefaultTimeout();
        ReplyHeader header = run.Mallory.Header(tasks.Round, "train", model);
        byte[] tampered = (byte[])model.Clone();
        tampered[^1] ^= 0x01;

        RpcException refusal = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(header, tampered))).DefaultTimeout();
        await run.AssertRefusedAsync(refusal, StatusCode.DataLoss, ReasonCode.HashMismatch, $"but the header declared {header.ArraysSha256}");
        await run.FinishAsync();
    }

    [Fact]
    public async Task NaNOrInfinity_InTheModelOrTheMetrics_IsRefusedAsInvalidArgument()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        HostileTasks tasks = await run.Mallory.GetTasksAsync();
        byte[] global = await run.Mallory.DownloadAsync(tasks.Round).DefaultTimeout();

        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            ModelStateProto state = ModelStateProto.Parser.ParseFrom(global);
            byte[] values = state.Tensors[1].Data.ToByteArray();
            BitConverter.TryWriteBytes(values.AsSpan(4), bad);
            state.Tensors[1].Data = ByteString.CopyFrom(values);
            byte[] model = state.ToByteArray();
            RpcException refusal = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", model), model))).DefaultTimeout();
            await run.AssertRefusedAsync(refusal, StatusCode.InvalidArgument, ReasonCode.NonFiniteValue, float.IsNaN(bad) ? "NaN" : "Infinity");
        }

        ReplyHeader metric = run.Mallory.Header(tasks.Round, "aggregated_model_validation", []);
        metric.Metrics["acc"] = double.NaN;
        RpcException metricRefusal = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync([new ReplyChunk { Header = metric }])).DefaultTimeout();
        await run.AssertRefusedAsync(metricRefusal, StatusCode.InvalidArgument, ReasonCode.NonFiniteValue, "metric 'acc' is NaN; metrics must be finite");
        await run.FinishAsync();
    }

    [Fact]
    public async Task WrongShapeOrElementType_IsRefusedAsInvalidArgument()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        HostileTasks tasks = await run.Mallory.GetTasksAsync();
        byte[] global = await run.Mallory.DownloadAsync(tasks.Round).DefaultTimeout();

        // The same bytes as a 2-D tensor.
        ModelStateProto reshaped = ModelStateProto.Parser.ParseFrom(global);
        reshaped.Tensors[0].Shape.Clear();
        reshaped.Tensors[0].Shape.Add([4, 8]);
        byte[] shapeModel = reshaped.ToByteArray();
        RpcException shape = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", shapeModel), shapeModel))).DefaultTimeout();
        await run.AssertRefusedAsync(shape, StatusCode.InvalidArgument, ReasonCode.LayoutMismatch, "w0");

        // The same values as float64.
        ModelStateProto retyped = ModelStateProto.Parser.ParseFrom(global);
        retyped.Tensors[0].ElementType = ElementType.Float64;
        retyped.Tensors[0].Data = ByteString.CopyFrom(new byte[retyped.Tensors[0].Data.Length * 2]);
        byte[] typeModel = retyped.ToByteArray();
        RpcException type = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", typeModel), typeModel))).DefaultTimeout();
        await run.AssertRefusedAsync(type, StatusCode.InvalidArgument, ReasonCode.LayoutMismatch, "w0");
        await run.FinishAsync();
    }

    [Fact]
    public async Task AbsurdDimensionsOrCounts_AreRefused()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        HostileTasks tasks = await run.Mallory.GetTasksAsync();
        byte[] global = await run.Mallory.DownloadAsync(tasks.Round).DefaultTimeout();

        // A tensor claiming 2^40 × 2^40 elements with 128 bytes of data.
        ModelStateProto huge = ModelStateProto.Parser.ParseFrom(global);
        huge.Tensors[0].Shape.Clear();
        huge.Tensors[0].Shape.Add([1L << 40, 1L << 40]);
        byte[] hugeModel = huge.ToByteArray();
        RpcException dimensions = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", hugeModel), hugeModel))).DefaultTimeout();
        await run.AssertRefusedAsync(dimensions, StatusCode.InvalidArgument, ReasonCode.Malformed, "is not a valid model state");

        // A negative dimension.
        ModelStateProto negative = ModelStateProto.Parser.ParseFrom(global);
        negative.Tensors[0].Shape.Clear();
        negative.Tensors[0].Shape.Add([-32]);
        byte[] negativeModel = negative.ToByteArray();
        RpcException negativeDimension = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(run.Mallory.Header(tasks.Round, "train", negativeModel), negativeModel))).DefaultTimeout();
        await run.AssertRefusedAsync(negativeDimension, StatusCode.InvalidArgument, ReasonCode.Malformed, "is not a valid model state");

        foreach (long count in new[] { -1L, long.MaxValue })
        {
            ReplyHeader header = run.Mallory.Header(tasks.Round, "train", global);
            header.ExampleCount = count;
            RpcException examples = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync(HostileClient.Chunks(header, global))).DefaultTimeout();
            await run.AssertRefusedAsync(examples, StatusCode.InvalidArgument, ReasonCode.InvalidExampleCount, $"example count {count} is outside");
        }

        ReplyHeader size = run.Mallory.Header(tasks.Round, "train", global);
        size.ArraysSize = 1L << 50;
        RpcException tooLarge = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync([new ReplyChunk { Header = size }])).DefaultTimeout();
        await run.AssertRefusedAsync(tooLarge, StatusCode.ResourceExhausted, ReasonCode.TooLarge, "network.limits.max_total_upload_size");

        ReplyHeader negativeSize = run.Mallory.Header(tasks.Round, "train", global);
        negativeSize.ArraysSize = -1;
        RpcException negativeBytes = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync([new ReplyChunk { Header = negativeSize }])).DefaultTimeout();
        await run.AssertRefusedAsync(negativeBytes, StatusCode.ResourceExhausted, ReasonCode.TooLarge, "the reply declares -1 bytes");
        await run.FinishAsync();
    }

    [Fact]
    public async Task ReplayOfAPreviousRoundsResult_ChangesNothing()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        Assert.Equal(1, await run.Mallory.DoRoundHonestlyAsync());
        List<ReplyChunk> roundOne = run.Mallory.LastTrainUpload!;
        HostileTasks next = await run.Mallory.GetTasksAsync();
        Assert.Equal(2, next.Round);

        // The very messages of round 1, sent again in round 2: known by their key, counted once.
        PushReplyResponse replayed = await run.Mallory.UploadAsync(roundOne).DefaultTimeout();
        Assert.True(replayed.Duplicate);
        await run.WaitForAggregatorLineAsync($"Collaborator {HostileFederation.Attacker} sent a duplicate of train, round 1: already acknowledged, not counted again");
        run.AssertNothingStoredFromAttacker();

        // Round 1's reply relabelled for a round that is not running is refused.
        ReplyHeader stale = roundOne[0].Header.Clone();
        stale.Round = 5;
        stale.ReplyTo = $"5/{HostileFederation.Attacker}/train";
        RpcException future = await Assert.ThrowsAsync<RpcException>(() => run.Mallory.UploadAsync([new ReplyChunk { Header = stale }, .. roundOne.Skip(1)])).DefaultTimeout();
        await run.AssertRefusedAsync(future, StatusCode.FailedPrecondition, ReasonCode.StaleRound, "reply for round 5, but the current round is 2");
        await run.FinishAsync();
    }

    [Fact]
    public async Task FloodFromOneCollaborator_IsRateLimitedWithoutSlowingTheOthers()
    {
        await using HostileRun run = await HostileRun.StartAsync(Federation);
        await run.Mallory.GetTasksAsync();

        // Three bursts' worth of task requests at once. The bucket refills while the flood runs,
        // so the refusal is taken from the flood itself, not from a later call.
        Task<RpcException?>[] flood = [.. Enumerable.Range(0, 3 * HostileFederation.RequestBurst).Select(async _ =>
        {
            try
            {
                await run.Mallory.Client.PullMessagesAsync(new PullMessagesRequest(), run.Mallory.Headers).ResponseAsync;
                return (RpcException?)null;
            }
            catch (RpcException ex)
            {
                return ex;
            }
        })];
        RpcException?[] outcomes = await Task.WhenAll(flood).DefaultTimeout(HostileRun.RunTimeout);
        Assert.All(outcomes, e => Assert.True(e is null || e.StatusCode == StatusCode.ResourceExhausted, $"unexpected {e?.StatusCode}"));
        Assert.True(outcomes.Count(e => e is null) <= HostileFederation.RequestBurst + 20, $"{outcomes.Count(e => e is null)} flood calls got through");
        RpcException refusal = Assert.IsType<RpcException>(outcomes.First(e => e is not null));
        await run.AssertRefusedAsync(refusal, StatusCode.ResourceExhausted, ReasonCode.RateLimited, $"rate limit: collaborator '{HostileFederation.Attacker}' made more than {HostileFederation.RequestBurst} requests at once");
        await run.FinishAsync();
    }

    [Fact]
    public async Task PlanEditedAfterFreeze_AggregatorRefusesToStart()
    {
        string copy = Path.Combine(Federation.Root, "frozen-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Federation.Aggregator, copy);
        string save = Path.Combine(copy, "save", "federation");
        if (Directory.Exists(save))
        {
            Directory.Delete(save, recursive: true);
        }

        LifecycleResult frozen = await LifecycleConfer.RunOkAsync(copy, "plan", "freeze");
        string frozenHash = LifecycleFederation.ValueAfter(frozen.Output, "Plan hash (federation id):");
        string planFile = Path.Combine(copy, "plan", "plan.yaml");
        string plan = File.ReadAllText(planFile);
        Assert.Contains("rounds_to_train: 2", plan, StringComparison.Ordinal);
        File.WriteAllText(planFile, plan.Replace("rounds_to_train: 2", "rounds_to_train: 3", StringComparison.Ordinal));

        LifecycleResult start = await LifecycleConfer.RunAsync(copy, "aggregator", "start");
        string said = start.Output + start.Error;
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Contains("was edited after it was frozen", said, StringComparison.Ordinal);
        Assert.Contains($"holds SHA-384 {frozenHash}", said, StringComparison.Ordinal);
        string current = LifecycleFederation.ValueAfter(said, "but the plan now hashes to").Split('.')[0];
        Assert.Matches("^[0-9a-f]{96}$", current);
        Assert.NotEqual(frozenHash, current);
        Assert.False(Directory.Exists(save), "the refused aggregator stored something");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
