using System.Security.Cryptography;
using Confer.Protos.V2;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The gRPC edge of the aggregator's grid: task messages and their arrays out, replies in, within the plan's limits; every refusal carries a reason code.</summary>
internal sealed class GridService(GrpcGrid grid, UploadPacer pacer, ILogger<GridService> logger) : Protos.V2.Grid.GridBase
{
    // Every 4 MiB received, the disk starts on them, so the closing fsync has little left to wait for.
    private const long WritebackStep = 4 << 20;

    public override Task<PullMessagesResponse> PullMessages(PullMessagesRequest request, ServerCallContext context) =>
        grid.PullMessagesAsync(CollaboratorIdentity.Get(context), context.CancellationToken);

    public override async Task DownloadArrays(DownloadArraysRequest request, IServerStreamWriter<ArrayChunk> responseStream, ServerCallContext context)
    {
        using var lease = grid.LeaseArrays(request.Sha256);
        var model = lease.Model.Encoded;
        if (request.Offset < 0 || request.Offset > model.Length)
        {
            throw Refusal.Create(StatusCode.OutOfRange, ReasonCode.OutOfRange, $"offset {request.Offset} is outside the arrays' {model.Length} bytes");
        }

        if (model.Length == 0)
        {
            await responseStream.WriteAsync(new ArrayChunk(), context.CancellationToken).ConfigureAwait(false);
            return;
        }

        // Each chunk is a view of the global model's tensors: no copy of the model is made per download.
        foreach (var (offset, data) in model.Chunks(request.Offset, grid.Limits.ChunkSize))
        {
            await responseStream.WriteAsync(new ArrayChunk
            {
                Offset = offset,
                TotalSize = model.Length,
                Data = UnsafeByteOperations.UnsafeWrap(data),
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<PushReplyResponse> PushReply(IAsyncStreamReader<ReplyChunk> requestStream, ServerCallContext context)
    {
        var collaborator = CollaboratorIdentity.Get(context);
        var ct = context.CancellationToken;
        bool started;
        try
        {
            started = await requestStream.MoveNext(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsBrokenOff(ex, ct))
        {
            // The connection went away before the header arrived: as mid-stream, an expected event
            // (the collaborator sends the result again), answered with a status instead of an
            // exception the gRPC server would log as its own failure.
            AggregatorLog.UploadBrokeOffBeforeHeader(logger, collaborator, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the reply's stream broke off before its header: {ex.Message}"));
        }

        if (!started || requestStream.Current.KindCase != ReplyChunk.KindOneofCase.Header)
        {
            throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, "a reply starts with a header chunk");
        }

        var header = requestStream.Current.Header;
        try
        {
            if (!grid.BeginReply(collaborator, header))
            {
                AggregatorLog.DuplicateResult(logger, collaborator, header.Kind, header.Round);
                return new PushReplyResponse { Duplicate = true };
            }
        }
        catch (RpcException ex)
        {
            AggregatorLog.ResultRefused(logger, collaborator, header.Kind, header.Round, Refusal.ReasonOf(ex).ToString(), ex.Status.Detail);
            throw;
        }

        string? temporary = null;
        long received = 0;
        var held = TimeSpan.Zero;
        try
        {
            var stream = grid.Store.CreateTemporary(header, out temporary);
            await using (stream.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var written = stream.Position;
                var writebackFrom = written;
                while (await requestStream.MoveNext(ct).ConfigureAwait(false))
                {
                    var chunk = requestStream.Current;
                    if (chunk.KindCase != ReplyChunk.KindOneofCase.Data)
                    {
                        throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, "a second header in one reply");
                    }

                    if (chunk.Offset != received)
                    {
                        throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, $"a data chunk at offset {chunk.Offset}, but {received} bytes came before it: chunks must follow each other without gaps or repeats");
                    }

                    received += chunk.Data.Length;
                    if (received > header.ArraysSize)
                    {
                        throw Refusal.Create(StatusCode.ResourceExhausted, ReasonCode.TooLarge, $"the chunk stream is larger than the {header.ArraysSize} bytes the header declared (limit network.limits.max_total_upload_size = {grid.Limits.MaxTotalUploadSize})");
                    }

                    hash.AppendData(chunk.Data.Span);
                    await stream.WriteAsync(chunk.Data.Memory, ct).ConfigureAwait(false);
                    written += chunk.Data.Length;
                    if (written - writebackFrom >= WritebackStep)
                    {
                        await stream.FlushAsync(ct).ConfigureAwait(false);
                        FileWriteback.Start(stream.SafeFileHandle, writebackFrom, written - writebackFrom);
                        writebackFrom = written;
                    }
                    FaultInjection.ReachDuringUpload(header.Round, received, header.ArraysSize);
                    held += await pacer.PaceAsync(collaborator, chunk.Data.Length, ct).ConfigureAwait(false);
                }

                if (held > TimeSpan.Zero)
                {
                    AggregatorLog.UploadPaced(logger, collaborator, header.Kind, header.Round, held.TotalSeconds, grid.Limits.MaxUploadBytesPerSecond);
                }

                if (received != header.ArraysSize)
                {
                    throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, $"the reply ended after {received} of the {header.ArraysSize} bytes its header declared");
                }

                if (header.ArraysSize > 0)
                {
                    var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                    if (!string.Equals(actual, header.ArraysSha256, StringComparison.Ordinal))
                    {
                        throw Refusal.Create(StatusCode.DataLoss, ReasonCode.HashMismatch, $"the arrays' SHA-256 is {actual}, but the header declared {header.ArraysSha256}");
                    }
                }

                await stream.FlushAsync(ct).ConfigureAwait(false);
                ResultStore.EndAtPosition(stream);
                await DiskFlusher.FlushToDiskAsync(stream, ct).ConfigureAwait(false);
            }

            await grid.CompleteReplyAsync(collaborator, header, temporary, ct).ConfigureAwait(false);
            temporary = null;
            return new PushReplyResponse();
        }
        catch (RpcException ex)
        {
            AggregatorLog.ResultRefused(logger, collaborator, header.Kind, header.Round, Refusal.ReasonOf(ex).ToString(), ex.Status.Detail);
            throw;
        }
        catch (Exception ex) when (IsBrokenOff(ex, ct))
        {
            // The connection went away mid-stream (an outage, a proxy, the collaborator stopped): an
            // expected event, not a failure of the aggregator; the collaborator sends the result again.
            AggregatorLog.UploadBrokeOff(logger, collaborator, header.Kind, header.Round, received, header.ArraysSize, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the reply's stream broke off after {received} of {header.ArraysSize} bytes: {ex.Message}"));
        }
        finally
        {
            if (temporary is not null)
            {
                ResultStore.Discard(temporary);
                grid.AbortReply(header);
            }
        }
    }

    // A stream that broke off (the connection went away), not one that is malformed: bytes that do
    // not parse are an IOException too, and CallAuthorizer refuses those as MALFORMED.
    private static bool IsBrokenOff(Exception ex, CancellationToken ct) =>
        (ex is IOException and not Google.Protobuf.InvalidProtocolBufferException && ex.InnerException is not Google.Protobuf.InvalidProtocolBufferException)
        || (ex is OperationCanceledException && ct.IsCancellationRequested);
}
