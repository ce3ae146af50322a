using Confer.Testing;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki;
using Confer.Protos.V2;
using ReasonCode = Confer.Protos.V2.ReasonCode;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// One certified federation for the hostile-input tests: honest collaborators <c>alpha</c> and
/// <c>beta</c> and a certified, authorized collaborator <c>mallory</c> whose credentials a test-side
/// gRPC client uses to send crafted messages. The plan is the echo template with a small model and
/// tight per-collaborator rate limits.
/// </summary>
public sealed class HostileFederation : IAsyncLifetime
{
    public const string Attacker = "mallory";

    /// <summary>The plan's per-collaborator limits: a burst of 40 calls, then 2 a second.</summary>
    public const int RequestBurst = 40;

    internal LifecycleFederation Federation { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Federation = await LifecycleFederation.CertifyAsync("echo", EditPlan, "alpha", "beta", Attacker);
    }

    public Task DisposeAsync()
    {
        Federation?.Dispose();
        return Task.CompletedTask;
    }

    private static string EditPlan(string plan) => plan
        .Replace("model_size: 100000", "model_size: 64", StringComparison.Ordinal)
        .Replace("tensor_count: 1", "tensor_count: 2", StringComparison.Ordinal)
        .Replace(
            "    agg_port: 50051\n",
            $"    agg_port: 50051\n    limits:\n      request_burst: {RequestBurst}\n      max_requests_per_second: 2\n",
            StringComparison.Ordinal);
}

/// <summary>
/// One run of the hostile federation: the real <c>confer aggregator start</c>, real
/// <c>confer collaborator start</c> processes for the honest collaborators, and the attacker's client.
/// </summary>
internal sealed class HostileRun : IAsyncDisposable
{
    /// <summary>A whole federation on a loaded two-core machine: generous, but bounded.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly List<LifecycleConfer> _processes = [];

    private HostileRun(LifecycleFederation federation)
    {
        Federation = federation;
    }

    public LifecycleFederation Federation { get; }

    public LifecycleConfer Aggregator => _processes[0];

    public HostileClient Mallory { get; private set; } = null!;

    public string ResultsFolder => Path.Combine(Federation.Aggregator, "save", "federation");

    /// <summary>Clears what an earlier run left in the aggregator's workspace and starts every process.</summary>
    public static async Task<HostileRun> StartAsync(LifecycleFederation federation)
    {
        string save = Path.Combine(federation.Aggregator, "save");
        if (Directory.Exists(Path.Combine(save, "federation")))
        {
            Directory.Delete(Path.Combine(save, "federation"), recursive: true);
        }

        File.Delete(Path.Combine(save, "echo_best.pbuf"));
        File.Delete(Path.Combine(save, "echo_last.pbuf"));

        var run = new HostileRun(federation);
        try
        {
            run._processes.Add(LifecycleConfer.Start(federation.Aggregator, "aggregator", "start"));
            string listening = await run.WaitForAggregatorLineAsync("Aggregator listening on");
            string planHash = LifecycleFederation.ValueAfter(listening, "for federation").Split(' ')[0];
            foreach (string name in federation.Collaborators.Where(c => c != HostileFederation.Attacker))
            {
                run._processes.Add(LifecycleConfer.Start(federation.CollaboratorWorkspace(name), "collaborator", "start", "-n", name));
            }

            run.Mallory = HostileClient.Connect(federation.CollaboratorWorkspace(HostileFederation.Attacker), HostileFederation.Attacker, federation.Port, planHash);
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for a line of the aggregator's log that contains every fragment, and returns it.</summary>
    public async Task<string> WaitForAggregatorLineAsync(params string[] fragments)
    {
        using var timeout = new CancellationTokenSource(RunTimeout);
        while (true)
        {
            string? line = (Aggregator.Output + Aggregator.Error).Split('\n').FirstOrDefault(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }

            Assert.False(timeout.IsCancellationRequested, $"The aggregator never logged a line with '{string.Join("', '", fragments)}'.\n{Aggregator.Output}\n{Aggregator.Error}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>
    /// The refusal had the expected reason code, status and detail, the aggregator logged it with
    /// its code, and nothing of the attacker's is stored (no result, no partial upload).
    /// </summary>
    public async Task AssertRefusedAsync(RpcException refusal, StatusCode status, ReasonCode reason, string detail)
    {
        Assert.True(HostileClient.ReasonOf(refusal) == reason, $"expected {reason}, got {HostileClient.ReasonOf(refusal)}: {refusal.Status.Detail}");
        Assert.True(refusal.StatusCode == status, $"expected {status}, got {refusal.StatusCode}: {refusal.Status.Detail}");
        Assert.Contains(detail, refusal.Status.Detail, StringComparison.Ordinal);
        await WaitForAggregatorLineAsync("Refused", $"{reason}: {refusal.Status.Detail}");
        AssertNothingStoredFromAttacker();
    }

    public void AssertNothingStoredFromAttacker()
    {
        string[] files = Directory.Exists(ResultsFolder) ? Directory.GetFiles(ResultsFolder, "*", SearchOption.AllDirectories) : [];
        // Stored results and partial uploads alike are named after their collaborator.
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith(HostileFederation.Attacker + "__", StringComparison.Ordinal));
    }

    /// <summary>The attacker turns honest and finishes its rounds; every process ends well and the federation completes.</summary>
    public async Task FinishAsync()
    {
        await Mallory.RunHonestlyAsync().DefaultTimeout(RunTimeout);
        var results = new List<LifecycleResult>();
        foreach (LifecycleConfer process in _processes)
        {
            results.Add(await process.WaitAsync(RunTimeout));
        }

        string transcript = string.Join("\n\n", results);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, transcript));
        Assert.Contains("Federation finished: 2 rounds trained", results[0].Output, StringComparison.Ordinal);
        foreach (string name in Federation.Collaborators.Where(c => c != HostileFederation.Attacker))
        {
            Assert.Contains($"Collaborator {name} is sending task results for train, round 1", results[0].Output, StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Mallory?.Dispose();
        foreach (LifecycleConfer process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}

/// <summary>The tasks the aggregator handed out in one pull, with their round.</summary>
internal sealed record HostileTasks(PullMessagesResponse Response)
{
    public bool Quit => Response.Quit;

    public int Round => Response.Messages.Count > 0 ? Response.Messages[0].Round : 0;

    public TaskMessage Task(string kind) => Response.Messages.Single(m => m.Kind == kind);
}

/// <summary>
/// A collaborator's gRPC client over real mutual TLS with a certified identity, able to send both
/// honest and crafted messages in protocol v2 (task messages, arrays, replies).
/// </summary>
internal sealed class HostileClient : IDisposable
{
    private readonly NodeCredential _credential;
    private HostileTasks? _tasks;

    private HostileClient(NodeCredential credential, GrpcChannel channel, string name, string planHash)
    {
        _credential = credential;
        Channel = channel;
        Name = name;
        Client = new Protos.V2.Grid.GridClient(channel);
        Headers = new Metadata { { "confer-collaborator", name }, { "confer-plan-hash", planHash } };
    }

    public GrpcChannel Channel { get; }

    public Protos.V2.Grid.GridClient Client { get; }

    public Metadata Headers { get; }

    public string Name { get; }

    /// <summary>The upload of the last honest train reply, for replays.</summary>
    public List<ReplyChunk>? LastTrainUpload { get; private set; }

    public static HostileClient Connect(string workspace, string name, int port, string planHash)
    {
        var credential = NodeCredential.LoadCollaborator(workspace, name);
        var validator = new AggregatorCertificateValidator(credential.Trust);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificateContext = credential.CreateCertificateContext(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => validator.Validate(certificate, LifecycleFederation.AggregatorFqdn).IsAccepted,
            },
        };
        var channel = GrpcChannel.ForAddress($"https://{LifecycleFederation.AggregatorFqdn}:{port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxRetryAttempts = 0 });
        return new HostileClient(credential, channel, name, planHash);
    }

    /// <summary>The reason code a refusal carries in its <c>confer-refusal-bin</c> trailer; unspecified when it has none.</summary>
    public static ReasonCode ReasonOf(RpcException refusal)
    {
        Metadata.Entry? entry = refusal.Trailers.Get("confer-refusal-bin");
        return entry is null ? ReasonCode.Unspecified : Failure.Parser.ParseFrom(entry.ValueBytes).Reason;
    }

    /// <summary>Asks for tasks until there are some (or the federation is over); waits out a rate-limit refusal.</summary>
    public async Task<HostileTasks> GetTasksAsync()
    {
        while (true)
        {
            try
            {
                PullMessagesResponse response = await Client.PullMessagesAsync(new PullMessagesRequest(), Headers).ResponseAsync.DefaultTimeout(HostileRun.RunTimeout);
                if (!response.Retry)
                {
                    _tasks = new HostileTasks(response);
                    return _tasks;
                }
            }
            catch (RpcException ex) when (ReasonOf(ex) == ReasonCode.RateLimited)
            {
                // Refused for its rate: back off as a well-behaved client does.
                await System.Threading.Tasks.Task.Delay(250, CancellationToken.None);
            }
        }
    }

    /// <summary>Downloads the global model of the round's tasks (the arrays of the last pull).</summary>
    public async Task<byte[]> DownloadAsync(int round)
    {
        ArraysInfo arrays = _tasks?.Response.Messages.FirstOrDefault(m => m.Round == round)?.Arrays
            ?? throw new InvalidOperationException($"No task of round {round} was pulled.");
        using var call = Client.DownloadArrays(new DownloadArraysRequest { Sha256 = arrays.Sha256 }, Headers);
        using var buffer = new MemoryStream();
        await foreach (ArrayChunk chunk in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(buffer.Length, chunk.Offset);
            chunk.Data.WriteTo(buffer);
        }

        return buffer.ToArray();
    }

    /// <summary>Sends the chunks as one reply and returns the answer; a refusal throws <see cref="RpcException"/>.</summary>
    public async Task<PushReplyResponse> UploadAsync(IEnumerable<ReplyChunk> chunks)
    {
        using var call = Client.PushReply(Headers);
        try
        {
            foreach (ReplyChunk chunk in chunks)
            {
                await call.RequestStream.WriteAsync(chunk).DefaultTimeout();
            }

            await call.RequestStream.CompleteAsync().DefaultTimeout();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The aggregator ended the call early; its status says why.
        }

        return await call.ResponseAsync.DefaultTimeout();
    }

    /// <summary>An honest reply header (echo: one example, every metric 0) for a task of a round.</summary>
    public ReplyHeader Header(int round, string task, byte[] model)
    {
        var header = new ReplyHeader
        {
            ReplyTo = $"{round}/{Name}/{task}",
            Collaborator = Name,
            Round = round,
            Kind = task,
            ExampleCount = 1,
            ArraysSize = model.LongLength,
            ArraysSha256 = model.Length == 0 ? string.Empty : Convert.ToHexStringLower(SHA256.HashData(model)),
        };
        header.Metrics[task == "train" ? "loss" : "acc"] = 0;
        return header;
    }

    /// <summary>A header followed by the model in chunks of <paramref name="chunkSize"/> bytes with the right offsets.</summary>
    public static List<ReplyChunk> Chunks(ReplyHeader header, byte[] model, int chunkSize = 128)
    {
        var chunks = new List<ReplyChunk> { new() { Header = header } };
        for (int offset = 0; offset < model.Length; offset += chunkSize)
        {
            chunks.Add(new ReplyChunk { Offset = offset, Data = ByteString.CopyFrom(model, offset, Math.Min(chunkSize, model.Length - offset)) });
        }

        return chunks;
    }

    /// <summary>Does every task given, honestly, until the aggregator says the federation is over.</summary>
    public async Task RunHonestlyAsync()
    {
        while (await DoRoundHonestlyAsync() is not null)
        {
        }
    }

    /// <summary>Asks for tasks and does them honestly; returns the round, or null when the federation is over.</summary>
    public async Task<int?> DoRoundHonestlyAsync()
    {
        HostileTasks tasks = await GetTasksAsync();
        if (tasks.Quit)
        {
            return null;
        }

        byte[] global = await WithBackoffAsync(() => DownloadAsync(tasks.Round));
        foreach (TaskMessage task in tasks.Response.Messages)
        {
            byte[] model = task.Kind == "train" ? global : [];
            List<ReplyChunk> upload = Chunks(Header(tasks.Round, task.Kind, model), model);
            await UploadWithBackoffAsync(upload);
            if (task.Kind == "train")
            {
                LastTrainUpload = upload;
            }
        }

        return tasks.Round;
    }

    private Task UploadWithBackoffAsync(List<ReplyChunk> upload) => WithBackoffAsync(() => UploadAsync(upload));

    /// <summary>Runs a call again after a rate-limit refusal, as a well-behaved client does.</summary>
    private static async Task<T> WithBackoffAsync<T>(Func<Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(HostileRun.RunTimeout);
        while (true)
        {
            try
            {
                return await call().DefaultTimeout();
            }
            catch (RpcException ex) when (ReasonOf(ex) == ReasonCode.RateLimited && !timeout.IsCancellationRequested)
            {
                await System.Threading.Tasks.Task.Delay(250, CancellationToken.None);
            }
        }
    }

    public void Dispose()
    {
        Channel.Dispose();
        _credential.Dispose();
    }
}
