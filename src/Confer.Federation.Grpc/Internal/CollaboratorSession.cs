using System.Globalization;
using System.Security.Cryptography;
using Confer.Core;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;
using Confer.Pki;
using Confer.Plan;
using Confer.Protos.V2;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// One run of a collaborator against the aggregator (<see cref="CollaboratorHost"/>): pulls its
/// task messages, downloads each round's global model once (chunked, checked), runs each task
/// through the node's handler and pushes the reply, retrying what is transient and stopping on
/// the reason codes that say it cannot go on.
/// </summary>
internal sealed class CollaboratorSession(FederationPlan plan, CollaboratorOptions options, Uri address, Protos.V2.Grid.GridClient client, IMessageHandler handler, NodeCredential? credential, ILogger logger)
{
    /// <summary>How many times a global model that fails its offset or hash check is downloaded before the collaborator gives up.</summary>
    private const int MaxModelDownloads = 3;

    private readonly Metadata _headers = Headers(plan, options.Name);

    private readonly TimeSpan _giveUpAfter = options.GiveUpAfter ?? plan.Network.ClientReconnectTimeout;
    private ResiliencePipeline? _retry;

    /// <summary>When the current run of failed calls began (a <see cref="TimeProvider"/> timestamp); null while calls succeed.</summary>
    private long? _failingSince;

    private GlobalModelCache? _model;
    private byte[]? _download;

    /// <summary>
    /// Retries transient failures (the aggregator unreachable, a connection dropped or cut) with
    /// exponential backoff and jitter, until the aggregator has been unreachable for
    /// <c>client_reconnect_timeout</c>; then an <see cref="AggregatorUnreachableException"/>.
    /// </summary>
    private ResiliencePipeline Retry => _retry ??= new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = async args => args.Outcome.Exception is { } ex && IsTransient(ex) && !await IsHandshakeRefusedAsync(ex, args.Context.CancellationToken).ConfigureAwait(false) && !GiveUpNow(),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NextDelay(args.AttemptNumber)),
            MaxRetryAttempts = int.MaxValue,
            OnRetry = args =>
            {
                if (IsRateLimited(args.Outcome.Exception))
                {
                    CollaboratorLog.SlowingDown(logger, options.Name, ((RpcException)args.Outcome.Exception!).Status.Detail, args.RetryDelay.TotalSeconds);
                }
                else
                {
                    CollaboratorLog.Retrying(logger, options.Name, address.ToString(), args.Outcome.Exception?.Message ?? "no answer", args.RetryDelay.TotalSeconds);
                }
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>Set when a probe found that the aggregator refuses this collaborator's certificate.</summary>
    private bool _handshakeRefused;

    /// <summary>Runs a call to the aggregator through the retries; a transient failure that comes out means the collaborator gives up.</summary>
    private async ValueTask<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Retry.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
            _failingSince = null;
            return result;
        }
        catch (Exception ex) when (_handshakeRefused && credential is not null)
        {
            throw new HandshakeRefusedException(address, HandshakeRefusal.Describe(credential), ex);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            var tried = _failingSince is { } since ? options.TimeProvider.GetElapsedTime(since) : TimeSpan.Zero;
            throw new AggregatorUnreachableException(address, tried, _giveUpAfter, ex);
        }
    }

    private async ValueTask CallAsync(Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken) =>
        await CallAsync(
            async ct =>
            {
                await call(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>A failure that looks like a refused TLS handshake is probed once (see <see cref="HandshakeRefusal"/>).</summary>
    private async ValueTask<bool> IsHandshakeRefusedAsync(Exception ex, CancellationToken cancellationToken)
    {
        if (credential is null || !HandshakeRefusal.Suspects(ex))
        {
            return false;
        }

        var validator = new AggregatorCertificateValidator(credential.Trust, options.TimeProvider);
        _handshakeRefused = await HandshakeRefusal.IsRefusedAsync(address, credential, validator, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return _handshakeRefused;
    }

    /// <summary>Records a failure; true once the failures have lasted <c>client_reconnect_timeout</c>.</summary>
    private bool GiveUpNow()
    {
        _failingSince ??= options.TimeProvider.GetTimestamp();
        return options.TimeProvider.GetElapsedTime(_failingSince.Value) >= _giveUpAfter;
    }

    /// <summary>
    /// <c>client_reconnect_interval</c> doubled per attempt up to the longest pause, times a jitter
    /// in [0.5, 1) so collaborators cut off together do not come back together; never past the
    /// give-up time, so the last attempt is made when it is reached.
    /// </summary>
    private TimeSpan NextDelay(int attempt)
    {
        var full = Math.Min(plan.Network.ClientReconnectInterval.TotalSeconds * Math.Pow(2, Math.Min(attempt, 30)), options.MaxReconnectDelay.TotalSeconds);
        var delay = TimeSpan.FromSeconds(full * (0.5 + (Random.Shared.NextDouble() / 2)));
        var left = _failingSince is { } since ? _giveUpAfter - options.TimeProvider.GetElapsedTime(since) : delay;
        return left < delay ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : delay;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await CallAsync(
                async ct => await client.PullMessagesAsync(new PullMessagesRequest(), _headers, cancellationToken: ct).ResponseAsync.ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (response.Quit)
            {
                CollaboratorLog.Quit(logger, options.Name);
                return 0;
            }

            if (response.Retry || response.Messages.Count == 0)
            {
                continue;
            }

            CollaboratorLog.ReceivedTasks(logger, response.Messages[0].Round, string.Join(", ", response.Messages.Select(t => t.Kind)));
            foreach (var task in response.Messages)
            {
                ModelState? arrays = null;
                if (task.Arrays is { } info)
                {
                    if (await DownloadAsync(task.Round, info, cancellationToken).ConfigureAwait(false) is not { } downloaded)
                    {
                        break;
                    }

                    arrays = downloaded;
                }

                var message = new Message
                {
                    Id = task.MessageId,
                    NodeId = options.Name,
                    Kind = task.Kind,
                    Round = task.Round,
                    Config = ConfigRecords.FromProto(task.Config),
                    Arrays = arrays is null ? null : ArrayRecord.From(arrays),
                };
                var reply = await HandleAsync(message, cancellationToken).ConfigureAwait(false);
                FaultInjection.Reach(FaultInjection.CollaboratorBeforeUpload, task.Round);
                if (!await UploadAsync(message, reply, arrays, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
    }

    /// <summary>Runs a task; a task that throws becomes an error reply, counted by the aggregator as this collaborator's failure.</summary>
    private async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CollaboratorLog.TaskFailed(logger, message.Kind, message.Round, ex.GetType().Name, ex.Message);
            return message.CreateErrorReply(ReasonCode.ClientError, $"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>The round's global model; null when the aggregator has moved past the round (the collaborator was cut off longer than the straggler policy waited).</summary>
    private async Task<ModelState?> DownloadAsync(int round, ArraysInfo info, CancellationToken cancellationToken)
    {
        if (_model is { } cached && cached.Sha256 == info.Sha256)
        {
            return cached.State;
        }

        // One download buffer for the whole federation: only the decoded model outlives the download.
        var size = checked((int)info.Size);
        if (_download is null || _download.Length < size)
        {
            // A little room: the model's round in its metadata gains a digit now and then.
            _download = GC.AllocateUninitializedArray<byte>(size + 64);
        }

        var bytes = _download.AsMemory(0, size);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadCheckedAsync(round, info, bytes, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RpcException ex) when (Refusal.ReasonOf(ex) == ReasonCode.ArraysUnavailable)
            {
                CollaboratorLog.RoundMovedOn(logger, options.Name, round, ex.Status.Detail);
                return null;
            }
            catch (InvalidDataException ex)
            {
                // A gap, a repeat or a hash mismatch: nothing of the download is used; fetch it whole again, a few times.
                if (attempt >= MaxModelDownloads)
                {
                    throw new GlobalModelUnusableException(round, MaxModelDownloads, ex);
                }

                CollaboratorLog.DownloadRefused(logger, round, ex.Message, attempt, MaxModelDownloads);
            }
        }

        var state = ModelStateSerializer.Deserialize(bytes.Span);
        _model = new GlobalModelCache(info.Sha256, state);
        CollaboratorLog.Downloaded(logger, round, info.Size, info.Sha256);
        return state;
    }

    /// <summary>Downloads the model into <paramref name="bytes"/>, checking each chunk's offset and the whole's SHA-256.</summary>
    private async Task DownloadCheckedAsync(int round, ArraysInfo info, Memory<byte> bytes, CancellationToken cancellationToken)
    {
        long received = 0;

        // Hashed as the chunks arrive, while they are in the cache; a resumed download goes on from where it was.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await CallAsync(
            async ct =>
            {
                using var call = client.DownloadArrays(new DownloadArraysRequest { Sha256 = info.Sha256, Offset = received }, _headers, cancellationToken: ct);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (chunk.Offset != received || chunk.TotalSize != info.Size || received + chunk.Data.Length > info.Size)
                    {
                        throw new InvalidDataException($"the aggregator sent a chunk at offset {chunk.Offset} of {chunk.TotalSize} bytes; expected offset {received} of {info.Size}");
                    }

                    chunk.Data.Span.CopyTo(bytes.Span[(int)received..]);
                    hash.AppendData(chunk.Data.Span);
                    received += chunk.Data.Length;

                    // Bytes are arriving: the aggregator is reachable, whatever cut the stream before.
                    _failingSince = null;
                }
            },
            cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (received != info.Size || actual != info.Sha256)
        {
            throw new InvalidDataException($"the global model of round {round} does not match its hash: SHA-256 {actual} of {received} bytes, announced {info.Sha256} of {info.Size}");
        }
    }

    private async Task<bool> UploadAsync(Message task, Message reply, ModelState? global, CancellationToken cancellationToken)
    {
        // The chunks are views of the reply's tensors: no encoded copy of the model is made.
        SegmentedModelState? arrays = null;
        var isDelta = false;
        if (reply.Error is null && reply.Arrays?.ToModelState() is { } trained)
        {
            isDelta = plan.Collaborator.DeltaUpdates && global is not null;
            arrays = SegmentedModelState.Create(isDelta ? ModelStateArithmetic.Subtract(trained, global!) : trained);
        }

        var size = arrays?.Length ?? 0;
        var header = new ReplyHeader
        {
            ReplyTo = task.Id,
            Collaborator = options.Name,
            Round = task.Round,
            Kind = task.Kind,
            ExampleCount = reply.ExampleCount,
            ArraysSize = size,
            ArraysSha256 = size == 0 ? string.Empty : Convert.ToHexStringLower(arrays!.ComputeSha256()),
            IsDelta = isDelta,
            Error = reply.Error is { } error ? Refusal.ToProto(error) : null,
        };
        if (reply.Error is null)
        {
            foreach (var (name, value) in reply.Metrics)
            {
                header.Metrics[name] = value;
            }
        }

        var chunkSize = plan.Network.Limits.ChunkSize;
        try
        {
            await CallAsync(
                async ct =>
                {
                    using var call = client.PushReply(_headers, cancellationToken: ct);
                    try
                    {
                        await call.RequestStream.WriteAsync(new ReplyChunk { Header = header }, ct).ConfigureAwait(false);
                        if (arrays is not null)
                        {
                            foreach (var (offset, data) in arrays.Chunks(0, chunkSize))
                            {
                                await call.RequestStream.WriteAsync(new ReplyChunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(data) }, ct).ConfigureAwait(false);
                            }
                        }

                        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && !ct.IsCancellationRequested)
                    {
                        // The aggregator answered before it read the stream (a refusal: rate
                        // limit, authorization, size): the write only sees "Cancelled"; the
                        // answer says why, and whether to retry.
                        await call.ResponseAsync.ConfigureAwait(false);
                        throw;
                    }

                    await call.ResponseAsync.ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (Refusal.ReasonOf(ex) is ReasonCode.RoundClosed or ReasonCode.StaleRound or ReasonCode.NotAssigned)
        {
            CollaboratorLog.ResultNotTaken(logger, task.Kind, task.Round, ex.Status.Detail);
            return false;
        }

        if (reply.Error is null)
        {
            var metrics = string.Join(", ", reply.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F4}")));
            CollaboratorLog.TaskDone(logger, task.Kind, task.Round, metrics.Length == 0 ? "no metrics" : metrics, reply.ExampleCount, size);
        }

        return true;
    }

    /// <summary>The aggregator's rate limit (worth retrying later), as opposed to the refusals of sizes.</summary>
    private static bool IsRateLimited(Exception? ex) => ex is RpcException rpc && Refusal.ReasonOf(rpc) == ReasonCode.RateLimited;

    /// <summary>
    /// A failure worth retrying: the aggregator unreachable, busy or asking this collaborator to
    /// slow down (its rate limit), or the connection lost. A
    /// connection lost while a request stream is written surfaces as an <see cref="IOException"/>
    /// ("the request was aborted") rather than a status; a model that failed its check
    /// (<see cref="InvalidDataException"/>) is not retried here.
    /// </summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        RpcException rpc when Refusal.ReasonOf(rpc) is var reason && reason != ReasonCode.Unspecified => reason is ReasonCode.RateLimited or ReasonCode.UploadInProgress,
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Internal,
        InvalidDataException or AggregatorUnreachableException => false,
        IOException or HttpRequestException => true,
        _ => false,
    };

    private static Metadata Headers(FederationPlan plan, string name)
    {
        var headers = new Metadata
        {
            { FederationHeaders.Collaborator, name },
            { FederationHeaders.PlanHash, plan.Hash },
        };
        if (plan.CodeHash is { } code)
        {
            headers.Add(FederationHeaders.CodeHash, code);
        }

        return headers;
    }
}

/// <summary>The global model a collaborator downloaded last, by its SHA-256.</summary>
internal sealed record GlobalModelCache(string Sha256, ModelState State);
