using System.Net;
using System.Security.Cryptography;
using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Protos.V2;
using Confer.Testing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>
/// The collaborator's side of a corrupt download: a staged aggregator (in process, on 127.0.0.1)
/// sends the global model with a gap, a repeat or a wrong hash; the real collaborator refuses
/// the bytes, downloads the model again, and gives up with a clear error when it never checks out.
/// </summary>
public sealed class HostileDownloadTests
{
    [Theory]
    [InlineData(Corruption.Hash, "does not match its hash")]
    [InlineData(Corruption.Gap, "expected offset 512")]
    [InlineData(Corruption.Repeat, "the aggregator sent a chunk at offset 0")]
    public async Task CorruptGlobalModel_IsRefusedAndDownloadedAgain(Corruption corruption, string reason)
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1, modelSize: 1000, extraNetwork: "    tls: false\n    insecure: true");
        await using var aggregator = await StagedAggregator.StartAsync(workspace, corruption, corruptDownloads: 1);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));

        int exit = await CollaboratorHost.RunAsync(Options(workspace, aggregator, loggerFactory)).DefaultTimeout();

        Assert.Equal(0, exit);
        Assert.Equal(2, aggregator.Service.Downloads);
        Assert.Equal(1, aggregator.Service.Uploads);
        Assert.Contains(logs.Messages, m => m.StartsWith("Refused the global model of round 1:", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal) && m.Contains("attempt 1 of 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GlobalModelThatNeverChecksOut_StopsWithExitOneAndAClearError()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1, modelSize: 1000, extraNetwork: "    tls: false\n    insecure: true");
        await using var aggregator = await StagedAggregator.StartAsync(workspace, Corruption.Hash, corruptDownloads: int.MaxValue);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));

        int exit = await CollaboratorHost.RunAsync(Options(workspace, aggregator, loggerFactory)).DefaultTimeout();

        Assert.Equal(1, exit);
        Assert.Contains(logs.Messages, m => m.StartsWith("Collaborator alpha stops (exit 1): Gave up on the global model of round 1 after 3 downloads that failed their check", StringComparison.Ordinal));
        Assert.Equal(3, aggregator.Service.Downloads);
        Assert.Equal(0, aggregator.Service.Uploads);
    }

    public enum Corruption
    {
        Hash,
        Gap,
        Repeat,
    }

    private static CollaboratorOptions Options(FederationWorkspace workspace, StagedAggregator aggregator, ILoggerFactory loggerFactory) => new()
    {
        WorkspaceDirectory = workspace.CollaboratorWorkspace("alpha"),
        Name = "alpha",
        Insecure = true,
        AggregatorAddress = new Uri($"http://127.0.0.1:{aggregator.Port}"),
        LoggerFactory = loggerFactory,
    };

    private sealed class StagedAggregator : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private StagedAggregator(WebApplication app, CorruptingAggregator service, int port)
        {
            _app = app;
            Service = service;
            Port = port;
        }

        public CorruptingAggregator Service { get; }

        public int Port { get; }

        public static async Task<StagedAggregator> StartAsync(FederationWorkspace workspace, Corruption corruption, int corruptDownloads)
        {
            var plan = workspace.LoadPlan();
            byte[] model = ModelStateSerializer.Serialize(ModelStateSerializer.Load(Path.Combine(workspace.AggregatorWorkspace, plan.Aggregator.InitStatePath)));
            string train = plan.Tasks.Values.First(t => t.Function == "train_task").Name;
            var service = new CorruptingAggregator(model, train, corruption, corruptDownloads);
            int port = FederationWorkspace.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(service);
            var app = builder.Build();
            app.MapGrpcService<CorruptingAggregator>();
            await app.StartAsync().DefaultTimeout();
            return new StagedAggregator(app, service, port);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    /// <summary>Hands out one train task and serves its model corrupted for the first downloads.</summary>
    private sealed class CorruptingAggregator(byte[] model, string train, Corruption corruption, int corruptDownloads) : Protos.V2.Grid.GridBase
    {
        private int _downloads;
        private int _uploads;

        public int Downloads => Volatile.Read(ref _downloads);

        public int Uploads => Volatile.Read(ref _uploads);

        public override Task<PullMessagesResponse> PullMessages(PullMessagesRequest request, ServerCallContext context)
        {
            if (Uploads > 0)
            {
                return Task.FromResult(new PullMessagesResponse { Quit = true, Rounds = 1 });
            }

            var response = new PullMessagesResponse { Rounds = 1 };
            response.Messages.Add(new TaskMessage
            {
                MessageId = $"1/alpha/{train}",
                Kind = train,
                Round = 1,
                Arrays = new ArraysInfo { Sha256 = Convert.ToHexStringLower(SHA256.HashData(model)), Size = model.LongLength },
            });
            return Task.FromResult(response);
        }

        public override async Task DownloadArrays(DownloadArraysRequest request, IServerStreamWriter<ArrayChunk> responseStream, ServerCallContext context)
        {
            const int Half = 512;
            bool corrupt = Interlocked.Increment(ref _downloads) <= corruptDownloads;
            ArrayChunk Chunk(int offset, int length, byte[]? source = null) => new()
            {
                Offset = offset,
                TotalSize = model.LongLength,
                Data = ByteString.CopyFrom(source ?? model, offset, length),
            };

            if (!corrupt)
            {
                await responseStream.WriteAsync(Chunk(0, Half));
                await responseStream.WriteAsync(Chunk(Half, model.Length - Half));
                return;
            }

            switch (corruption)
            {
                case Corruption.Hash:
                    byte[] flipped = (byte[])model.Clone();
                    flipped[^1] ^= 0x01;
                    await responseStream.WriteAsync(Chunk(0, Half, flipped));
                    await responseStream.WriteAsync(Chunk(Half, model.Length - Half, flipped));
                    break;
                case Corruption.Gap:
                    await responseStream.WriteAsync(Chunk(0, Half));
                    await responseStream.WriteAsync(Chunk(Half + 8, model.Length - Half - 8));
                    break;
                case Corruption.Repeat:
                    await responseStream.WriteAsync(Chunk(0, Half));
                    await responseStream.WriteAsync(Chunk(0, Half));
                    break;
            }
        }

        public override async Task<PushReplyResponse> PushReply(IAsyncStreamReader<ReplyChunk> requestStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
            }

            Interlocked.Increment(ref _uploads);
            return new PushReplyResponse();
        }
    }
}
