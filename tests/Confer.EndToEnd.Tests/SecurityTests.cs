using System.Security.Cryptography;
using Confer.Pki;
using Confer.Protos.V1;
using Confer.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Attacks on a running federation of real <c>confer</c> processes, each by a real gRPC client over
/// mutual TLS 1.3, while the aggregator waits in round 1: each is refused with the status of the
/// check that failed, the aggregator logs the refusal, nothing is stored for the attacker, and the
/// honest collaborators carry on and finish the federation (the last test).
/// </summary>
[TestCaseOrderer(SecurityTestOrderer.TypeName, SecurityTestOrderer.AssemblyName)]
public sealed class SecurityTests(SecurityFederation federation) : IClassFixture<SecurityFederation>
{
    private const string UploadResult = "Refused /confer.v1.Aggregator/UploadResult from ";
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NoClientCertificate_IsUnauthenticated_MissingCertificate()
    {
        Status status = await UploadAsync(credential: null, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"));
        await AssertRefusedAsync(status, StatusCode.Unauthenticated, "MissingCertificate: No client certificate was presented", UploadResult, attacker: "gamma");
    }

    [Fact]
    public async Task CertificateFromAnotherCa_IsUnauthenticated_UntrustedIssuer()
    {
        Status status = await UploadAsync(federation.ForeignAlpha, claimed: "alpha", Result("alpha", SecurityFederation.AttackRound, "train"));
        await AssertRefusedAsync(status, StatusCode.Unauthenticated, "UntrustedIssuer: ", UploadResult, attacker: "alpha", honestFiles: true);
    }

    [Fact]
    public async Task ValidCertificateOfAnotherCollaborator_IsPermissionDenied_NameMismatch()
    {
        Status status = await UploadAsync(federation.Alpha, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"));
        await AssertRefusedAsync(status, StatusCode.PermissionDenied, "NameMismatch: The request claims to come from collaborator 'gamma', but the client certificate", UploadResult, attacker: "gamma");
        Assert.Contains("belongs to 'alpha'", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertifiedCollaboratorNotInColsYaml_IsPermissionDenied_NotAuthorized()
    {
        Status status = await UploadAsync(federation.Mallory, claimed: "mallory", Result("mallory", SecurityFederation.AttackRound, "train"));
        await AssertRefusedAsync(status, StatusCode.PermissionDenied, "NotAuthorized: Collaborator 'mallory' is not in the plan's authorized collaborators", UploadResult, attacker: "mallory");
    }

    [Fact]
    public async Task RevokedCertificate_IsPermissionDenied_Revoked()
    {
        Status status = await UploadAsync(federation.Carol, claimed: "carol", Result("carol", SecurityFederation.AttackRound, "train"));
        await AssertRefusedAsync(status, StatusCode.PermissionDenied, "Revoked: The certificate of collaborator 'carol'", UploadResult, attacker: "carol");
    }

    [Fact]
    public async Task WrongPlanHash_IsFailedPrecondition_NamingBothHashes()
    {
        string wrong = new('0', 96);
        Status status = await UploadAsync(federation.Gamma, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"), planHash: wrong);
        await AssertRefusedAsync(status, StatusCode.FailedPrecondition, $"plan hash mismatch: yours {wrong}, aggregator's {federation.PlanHash}", UploadResult, attacker: "gamma");
    }

    [Fact]
    public async Task ResultForAPastRound_IsFailedPrecondition_NamingTheCurrentRound()
    {
        // gamma is authorized and certified; it validates only, so a round-0 train result from it was never acknowledged.
        Status status = await UploadAsync(federation.Gamma, claimed: "gamma", Result("gamma", round: 0, "train"));
        await AssertRefusedAsync(status, StatusCode.FailedPrecondition, "result for round 0, but the current round is 1", "Refused task results from gamma for train, round 0: ", attacker: "gamma");
        Assert.False(Directory.Exists(federation.RoundFolder(0)) && Directory.EnumerateFiles(federation.RoundFolder(0), "gamma__*").Any(), "a round-0 file for gamma was stored");
    }

    [Fact]
    public async Task ChunkStream_HeaderDeclaringMoreThanTheLimit_IsResourceExhausted()
    {
        long declared = SecurityFederation.MaxTotalUploadSize + 1;
        var header = new ResultHeader { Collaborator = "gamma", Round = SecurityFederation.AttackRound, Task = "aggregated_model_validation", ExampleCount = 1, ModelSize = declared, ModelSha256 = new string('a', 64) };
        Status status = await UploadAsync(federation.Gamma, claimed: "gamma", header, new byte[1024]);
        await AssertRefusedAsync(status, StatusCode.ResourceExhausted, $"the result declares {declared} bytes; the limit (network.limits.max_total_upload_size) is {SecurityFederation.MaxTotalUploadSize}", "Refused task results from gamma for aggregated_model_validation, round 1: ", attacker: "gamma");
    }

    [Fact]
    public async Task ChunkStream_LargerThanItsHeaderDeclared_IsResourceExhausted()
    {
        // The header declares 1 KiB; the stream goes on past it, and past the plan's limit.
        var header = new ResultHeader { Collaborator = "gamma", Round = SecurityFederation.AttackRound, Task = "aggregated_model_validation", ExampleCount = 1, ModelSize = 1024, ModelSha256 = new string('a', 64) };
        Status status = await UploadAsync(federation.Gamma, claimed: "gamma", header, new byte[1024], new byte[SecurityFederation.MaxTotalUploadSize]);
        await AssertRefusedAsync(status, StatusCode.ResourceExhausted, "the chunk stream is larger than the 1024 bytes the header declared", "Refused task results from gamma for aggregated_model_validation, round 1: ", attacker: "gamma");
    }

    [Fact]
    public async Task Federation_HonestCollaboratorsFinish_AfterEveryAttack()
    {
        SecurityOutcome outcome = await federation.FinishAsync();
        string transcript = outcome.ToString();
        Assert.True(outcome.Aggregator.ExitCode == 0, transcript);
        Assert.All(outcome.Honest, r => Assert.True(r.ExitCode == 0, transcript));

        string log = outcome.Aggregator.Output + outcome.Aggregator.Error;
        foreach (string name in federation.Federation.Collaborators)
        {
            Assert.True(log.Contains($"Collaborator {name} is sending task results for train, round 1", StringComparison.Ordinal), transcript);
            Assert.False(log.Contains($"Refused task results from {name}", StringComparison.Ordinal), transcript);
        }

        Assert.True(log.Contains("Saved the last model of round 1", StringComparison.Ordinal), transcript);
        Assert.True(log.Contains("Federation finished: 2 rounds trained", StringComparison.Ordinal), transcript);
        Assert.True(File.Exists(Path.Combine(federation.Federation.Aggregator, "save", "echo_last.pbuf")), transcript);
        Assert.All(outcome.Honest, r => Assert.Contains("the federation is over", r.Output + r.Error, StringComparison.Ordinal));
    }

    private static ResultHeader Result(string collaborator, int round, string task)
    {
        var header = new ResultHeader { Collaborator = collaborator, Round = round, Task = task, ExampleCount = 1 };
        header.Metrics["acc"] = 1;
        return header;
    }

    /// <summary>Uploads a result as <paramref name="claimed"/> with <paramref name="credential"/>'s certificate and returns the status it was refused with.</summary>
    private async Task<Status> UploadAsync(NodeCredential? credential, string claimed, ResultHeader header, params byte[][] chunks)
    {
        return await UploadAsync(credential, claimed, header, planHash: null, chunks);
    }

    private async Task<Status> UploadAsync(NodeCredential? credential, string claimed, ResultHeader header, string? planHash, params byte[][] chunks)
    {
        if (chunks.Length == 0 && header.ModelSize == 0)
        {
            // A model in the upload, so that a wrongly accepted one would leave a file behind.
            chunks = [RandomNumberGenerator.GetBytes(256)];
            header.ModelSize = 256;
            header.ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(chunks[0]));
        }

        using GrpcChannel channel = federation.CreateChannel(credential);
        var client = new Aggregator.AggregatorClient(channel);
        using AsyncClientStreamingCall<ResultChunk, UploadResultResponse> call = client.UploadResult(federation.Headers(claimed, planHash));
        try
        {
            await call.RequestStream.WriteAsync(new ResultChunk { Header = header }).DefaultTimeout();
            long offset = 0;
            foreach (byte[] chunk in chunks)
            {
                await call.RequestStream.WriteAsync(new ResultChunk { Offset = offset, Data = ByteString.CopyFrom(chunk) }).DefaultTimeout();
                offset += chunk.Length;
            }

            await call.RequestStream.CompleteAsync().DefaultTimeout();
        }
        catch (RpcException)
        {
            // The aggregator answered before reading the whole stream; its status is the response's.
        }
        catch (InvalidOperationException)
        {
            // Same: the call is already over.
        }

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.DefaultTimeout());
        return refused.Status;
    }

    private async Task AssertRefusedAsync(Status status, StatusCode expected, string detail, string logPrefix, string attacker, bool honestFiles = false)
    {
        Assert.True(status.StatusCode == expected, $"expected {expected}, got {status.StatusCode}: {status.Detail}");
        Assert.Contains(detail, status.Detail, StringComparison.Ordinal);

        // The aggregator's log names the refusal: who, what, the status and the check.
        string logged = $"{expected}: {status.Detail}";
        await federation.Aggregator.WaitForOutputAsync(logged, LogTimeout);
        string line = federation.Aggregator.Output.Split('\n').First(l => l.Contains(logged, StringComparison.Ordinal));
        Assert.Contains(logPrefix, line, StringComparison.Ordinal);

        // Nothing stored for the attacker: no result and no partial upload (alpha's own honest results are alpha's).
        string round = federation.RoundFolder(SecurityFederation.AttackRound);
        if (!honestFiles)
        {
            Assert.Empty(Directory.Exists(round) ? Directory.EnumerateFiles(round, $"{attacker}__*") : []);
        }
        else
        {
            Assert.Empty(Directory.Exists(round) ? Directory.EnumerateFiles(round, "*.partial") : []);
        }

        // The honest collaborators and the aggregator carry on, still in round 1.
        Assert.False(federation.Aggregator.HasExited, federation.Aggregator.Output);
        Assert.All(federation.Honest, p => Assert.False(p.HasExited, p.Output + p.Error));
        Assert.DoesNotContain("Starting round 2", federation.Aggregator.Output, StringComparison.Ordinal);
    }
}
