using System.Security.Cryptography;
using Confer.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>The gRPC edge of the aggregator: streams models out and results in, within the plan's limits, and maps refusals to statuses.</summary>
internal sealed class AggregatorGrpcService(PlanRoundController controller, UploadPacer pacer, ILogger<AggregatorGrpcService> logger) : Aggregator.AggregatorBase
{
    // Every 4 MiB received, the disk starts on them, so the closing fsync has little left to wait for.
    private const long WritebackStep = 4 << 20;

    public override Task<GetTasksResponse> GetTasks(GetTasksRequest request, ServerCallContext context) =>
        controller.GetTasksAsync(CollaboratorIdentity.Get(context), context.CancellationToken);

    public override async Task DownloadModel(DownloadModelRequest request, IServerStreamWriter<ModelChunk> responseStream, ServerCallContext context)
    {
        using var lease = controller.LeaseModel(request.Round);
        var model = lease.Model.Encoded;
        if (request.Offset < 0 || request.Offset > model.Length)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"offset {request.Offset} is outside the model's {model.Length} bytes"));
        }

        if (model.Length == 0)
        {
            await responseStream.WriteAsync(new ModelChunk(), context.CancellationToken).ConfigureAwait(false);
            return;
        }

        // Each chunk is a view of the global model's tensors: no copy of the model is made per download.
        foreach (var (offset, data) in model.Chunks(request.Offset, controller.Limits.ChunkSize))
        {
            await responseStream.WriteAsync(new ModelChunk
            {
                Offset = offset,
                TotalSize = model.Length,
                Data = UnsafeByteOperations.UnsafeWrap(data),
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<UploadResultResponse> UploadResult(IAsyncStreamReader<ResultChunk> requestStream, ServerCallContext context)
    {
        var collaborator = CollaboratorIdentity.Get(context);
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct).ConfigureAwait(false) || requestStream.Current.KindCase != ResultChunk.KindOneofCase.Header)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "an upload starts with a header chunk"));
        }

        var header = requestStream.Current.Header;
        try
        {
            if (!controller.BeginUpload(collaborator, header))
            {
                AggregatorLog.DuplicateResult(logger, collaborator, header.Task, header.Round);
                return new UploadResultResponse { Duplicate = true };
            }
        }
        catch (RpcException ex)
        {
            AggregatorLog.ResultRefused(logger, collaborator, header.Task, header.Round, ex.StatusCode.ToString(), ex.Status.Detail);
            throw;
        }

        string? temporary = null;
        long received = 0;
        var held = TimeSpan.Zero;
        try
        {
            var stream = controller.Store.CreateTemporary(header, out temporary);
            await using (stream.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var written = stream.Position;
                var writebackFrom = written;
                while (await requestStream.MoveNext(ct).ConfigureAwait(false))
                {
                    var chunk = requestStream.Current;
                    if (chunk.KindCase != ResultChunk.KindOneofCase.Data)
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "a second header in one upload"));
                    }

                    if (chunk.Offset != received)
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, $"a data chunk at offset {chunk.Offset}, but {received} bytes came before it: chunks must follow each other without gaps or repeats"));
                    }

                    received += chunk.Data.Length;
                    if (received > header.ModelSize)
                    {
                        throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the chunk stream is larger than the {header.ModelSize} bytes the header declared (limit network.limits.max_total_upload_size = {controller.Limits.MaxTotalUploadSize})"));
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
                    FaultInjection.ReachDuringUpload(header.Round, received, header.ModelSize);
                    held += await pacer.PaceAsync(collaborator, chunk.Data.Length, ct).ConfigureAwait(false);
                }

                if (held > TimeSpan.Zero)
                {
                    AggregatorLog.UploadPaced(logger, collaborator, header.Task, header.Round, held.TotalSeconds, controller.Limits.MaxUploadBytesPerSecond);
                }

                if (received != header.ModelSize)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"the upload ended after {received} of the {header.ModelSize} bytes its header declared"));
                }

                if (header.ModelSize > 0)
                {
                    var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                    if (!string.Equals(actual, header.ModelSha256, StringComparison.Ordinal))
                    {
                        throw new RpcException(new Status(StatusCode.DataLoss, $"the model's SHA-256 is {actual}, but the header declared {header.ModelSha256}"));
                    }
                }

                await stream.FlushAsync(ct).ConfigureAwait(false);
                ResultStore.EndAtPosition(stream);
                await DiskFlusher.FlushToDiskAsync(stream, ct).ConfigureAwait(false);
            }

            await controller.CompleteUploadAsync(collaborator, header, temporary, ct).ConfigureAwait(false);
            temporary = null;
            return new UploadResultResponse();
        }
        catch (RpcException ex)
        {
            AggregatorLog.ResultRefused(logger, collaborator, header.Task, header.Round, ex.StatusCode.ToString(), ex.Status.Detail);
            throw;
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            // The connection went away mid-stream (an outage, a proxy, the collaborator stopped): an
            // expected event, not a failure of the aggregator; the collaborator sends the result again.
            AggregatorLog.UploadBrokeOff(logger, collaborator, header.Task, header.Round, received, header.ModelSize, ex.Message);
            throw;
        }
        finally
        {
            if (temporary is not null)
            {
                ResultStore.Discard(temporary);
                controller.AbortUpload(collaborator, header);
            }
        }
    }
}
