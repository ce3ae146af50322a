using System.Security.Cryptography;
using Confer.Pki;
using Confer.Protos.V2;
using ReasonCode = Confer.Protos.V2.ReasonCode;
using Confer.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Attacks on a running federation of real <c>confer</c> processes, each by a real gRPC client over
/// mutual TLS 1.3, while the aggregator waits in round 2: a caller without a certificate of the
/// federation's CA is refused at the TLS handshake, before any call; every other attack is refused
/// with the reason code and status of the check that failed. The aggregator logs each refusal,
/// nothing is stored for the attacker, and the honest collaborators carry on and finish the
/// federation (the last test).
/// </summary>
[TestCaseOrderer(SecurityTestOrderer.TypeName, SecurityTestOrderer.AssemblyName)]
public sealed class SecurityTests(SecurityFederation federation) : IClassFixture<SecurityFederation>
{
    private const string UploadResult = "Refused /confer.v2.Grid/PushReply from ";
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NoClientCertificate_IsRefusedAtTheHandshake_MissingCertificate()
    {
        RpcException refusal = await UploadAsync(credential: null, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"));
        await AssertHandshakeRefusedAsync(refusal, "Refused a TLS connection: MissingCertificate: No client certificate was presented", attacker: "gamma");
    }

    [Fact]
    public async Task CertificateFromAnotherCa_IsRefusedAtTheHandshake_UntrustedIssuer()
    {
        RpcException refusal = await UploadAsync(federation.ForeignAlpha, claimed: "alpha", Result("alpha", SecurityFederation.AttackRound, "train"));
        await AssertHandshakeRefusedAsync(refusal, "Refused a TLS connection: UntrustedIssuer: ", attacker: "alpha", honestFiles: true);
    }

    [Fact]
    public async Task ValidCertificateOfAnotherCollaborator_IsPermissionDenied_NameMismatch()
    {
        RpcException refusal = await UploadAsync(federation.Alpha, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"));
        Status status = refusal.Status;
        await AssertRefusedAsync(refusal, StatusCode.PermissionDenied, ReasonCode.NameMismatch, "NameMismatch: The request claims to come from collaborator 'gamma', but the client certificate", UploadResult, attacker: "gamma");
        Assert.Contains("belongs to 'alpha'", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertifiedCollaboratorNotInColsYaml_IsPermissionDenied_NotAuthorized()
    {
        RpcException refusal = await UploadAsync(federation.Mallory, claimed: "mallory", Result("mallory", SecurityFederation.AttackRound, "train"));
        await AssertRefusedAsync(refusal, StatusCode.PermissionDenied, ReasonCode.UnknownCollaborator, "NotAuthorized: Collaborator 'mallory' is not in the plan's authorized collaborators", UploadResult, attacker: "mallory");
    }

    [Fact]
    public async Task RevokedCertificate_IsPermissionDenied_Revoked()
    {
        RpcException refusal = await UploadAsync(federation.Carol, claimed: "carol", Result("carol", SecurityFederation.AttackRound, "train"));
        await AssertRefusedAsync(refusal, StatusCode.PermissionDenied, ReasonCode.RevokedCertificate, "Revoked: The certificate of collaborator 'carol'", UploadResult, attacker: "carol");
    }

    [Fact]
    public async Task WrongPlanHash_IsFailedPrecondition_NamingBothHashes()
    {
        string wrong = new('0', 96);
        RpcException refusal = await UploadAsync(federation.Gamma, claimed: "gamma", Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation"), planHash: wrong);
        await AssertRefusedAsync(refusal, StatusCode.FailedPrecondition, ReasonCode.WrongPlanHash, $"plan hash mismatch: yours {wrong}, aggregator's {federation.PlanHash}", UploadResult, attacker: "gamma");
    }

    [Fact]
    public async Task ResultForAPastRound_IsFailedPrecondition_NamingTheCurrentRound()
    {
        // gamma is authorized and certified; it validates only, so a round-1 train reply from it was never acknowledged.
        RpcException refusal = await UploadAsync(federation.Gamma, claimed: "gamma", Result("gamma", round: 1, "train"));
        await AssertRefusedAsync(refusal, StatusCode.FailedPrecondition, ReasonCode.StaleRound, "reply for round 1, but the current round is 2", "Refused task results from gamma for train, round 1: ", attacker: "gamma");
        Assert.False(Directory.Exists(federation.RoundFolder(1)) && Directory.EnumerateFiles(federation.RoundFolder(1), "gamma__*").Any(), "a round-1 file for gamma was stored");
    }

    [Fact]
    public async Task ChunkStream_HeaderDeclaringMoreThanTheLimit_IsResourceExhausted()
    {
        long declared = SecurityFederation.MaxTotalUploadSize + 1;
        ReplyHeader header = Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation");
        header.ArraysSize = declared;
        header.ArraysSha256 = new string('a', 64);
        RpcException refusal = await UploadAsync(federation.Gamma, claimed: "gamma", header, new byte[1024]);
        await AssertRefusedAsync(refusal, StatusCode.ResourceExhausted, ReasonCode.TooLarge, $"the reply declares {declared} bytes; the limit (network.limits.max_total_upload_size) is {SecurityFederation.MaxTotalUploadSize}", $"Refused task results from gamma for aggregated_model_validation, round {SecurityFederation.AttackRound}: ", attacker: "gamma");
    }

    [Fact]
    public async Task ChunkStream_LargerThanItsHeaderDeclared_IsResourceExhausted()
    {
        // The header declares 1 KiB; the stream goes on past it, and past the plan's limit.
        ReplyHeader header = Result("gamma", SecurityFederation.AttackRound, "aggregated_model_validation");
        header.ArraysSize = 1024;
        header.ArraysSha256 = new string('a', 64);
        RpcException refusal = await UploadAsync(federation.Gamma, claimed: "gamma", header, new byte[1024], new byte[SecurityFederation.MaxTotalUploadSize]);
        await AssertRefusedAsync(refusal, StatusCode.ResourceExhausted, ReasonCode.TooLarge, "the chunk stream is larger than the 1024 bytes the header declared", $"Refused task results from gamma for aggregated_model_validation, round {SecurityFederation.AttackRound}: ", attacker: "gamma");
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
            Assert.True(log.Contains($"Collaborator {name} is sending task results for train, round 2", StringComparison.Ordinal), transcript);
            Assert.False(log.Contains($"Refused task results from {name}", StringComparison.Ordinal), transcript);
        }

        Assert.True(log.Contains("Saved the last model of round 2", StringComparison.Ordinal), transcript);
        Assert.True(log.Contains("Federation finished: 2 rounds trained", StringComparison.Ordinal), transcript);
        Assert.True(File.Exists(Path.Combine(federation.Federation.Aggregator, "save", "echo_last.pbuf")), transcript);
        Assert.All(outcome.Honest, r => Assert.Contains("the federation is over", r.Output + r.Error, StringComparison.Ordinal));
    }

    private static ReplyHeader Result(string collaborator, int round, string task)
    {
        var header = new ReplyHeader { ReplyTo = $"{round}/{collaborator}/{task}", Collaborator = collaborator, Round = round, Kind = task, ExampleCount = 1 };
        header.Metrics["acc"] = 1;
        return header;
    }

    /// <summary>Uploads a reply as <paramref name="claimed"/> with <paramref name="credential"/>'s certificate and returns the refusal.</summary>
    private async Task<RpcException> UploadAsync(NodeCredential? credential, string claimed, ReplyHeader header, params byte[][] chunks)
    {
        return await UploadAsync(credential, claimed, header, planHash: null, chunks);
    }

    private async Task<RpcException> UploadAsync(NodeCredential? credential, string claimed, ReplyHeader header, string? planHash, params byte[][] chunks)
    {
        if (chunks.Length == 0 && header.ArraysSize == 0)
        {
            // Arrays in the upload, so that a wrongly accepted one would leave a file behind.
            chunks = [RandomNumberGenerator.GetBytes(256)];
            header.ArraysSize = 256;
            header.ArraysSha256 = Convert.ToHexStringLower(SHA256.HashData(chunks[0]));
        }

        using GrpcChannel channel = federation.CreateChannel(credential);
        var client = new Protos.V2.Grid.GridClient(channel);
        using AsyncClientStreamingCall<ReplyChunk, PushReplyResponse> call = client.PushReply(federation.Headers(claimed, planHash));
        try
        {
            await call.RequestStream.WriteAsync(new ReplyChunk { Header = header }).DefaultTimeout();
            long offset = 0;
            foreach (byte[] chunk in chunks)
            {
                await call.RequestStream.WriteAsync(new ReplyChunk { Offset = offset, Data = ByteString.CopyFrom(chunk) }).DefaultTimeout();
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

        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.DefaultTimeout());
    }

    private async Task AssertRefusedAsync(RpcException refusal, StatusCode expected, ReasonCode reason, string detail, string logPrefix, string attacker)
    {
        Status status = refusal.Status;
        Assert.True(HostileClient.ReasonOf(refusal) == reason, $"expected {reason}, got {HostileClient.ReasonOf(refusal)}: {status.Detail}");
        Assert.True(status.StatusCode == expected, $"expected {expected}, got {status.StatusCode}: {status.Detail}");
        Assert.Contains(detail, status.Detail, StringComparison.Ordinal);

        // The aggregator's log names the refusal: who, what, the reason code and the check.
        string logged = $"{reason}: {status.Detail}";
        await federation.Aggregator.WaitForOutputAsync(logged, LogTimeout);
        string line = federation.Aggregator.Output.Split('\n').First(l => l.Contains(logged, StringComparison.Ordinal));
        Assert.Contains(logPrefix, line, StringComparison.Ordinal);
        AssertNothingStoredAndFederationWaits(attacker, honestFiles: false);
    }

    /// <summary>The call never reached HTTP/2: no reason code, a failed connection; the aggregator logged the refused handshake.</summary>
    private async Task AssertHandshakeRefusedAsync(RpcException refusal, string logged, string attacker, bool honestFiles = false)
    {
        Assert.True(HostileClient.ReasonOf(refusal) == ReasonCode.Unspecified, $"a refused handshake carries no reason code; got {HostileClient.ReasonOf(refusal)}: {refusal.Status.Detail}");
        Assert.True(refusal.StatusCode == StatusCode.Unavailable, $"expected Unavailable (no connection), got {refusal.StatusCode}: {refusal.Status.Detail}");
        await federation.Aggregator.WaitForOutputAsync(logged, LogTimeout);
        Assert.DoesNotContain(federation.Aggregator.Output.Split('\n'), l => l.Contains(UploadResult, StringComparison.Ordinal) && l.Contains(attacker, StringComparison.Ordinal) && l.Contains("Certificate", StringComparison.Ordinal));
        AssertNothingStoredAndFederationWaits(attacker, honestFiles);
    }

    private void AssertNothingStoredAndFederationWaits(string attacker, bool honestFiles)
    {
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

        // The honest collaborators and the aggregator carry on, still in round 2.
        Assert.False(federation.Aggregator.HasExited, federation.Aggregator.Output);
        Assert.All(federation.Honest, p => Assert.False(p.HasExited, p.Output + p.Error));
        Assert.DoesNotContain($"Round {SecurityFederation.AttackRound} finished", federation.Aggregator.Output, StringComparison.Ordinal);
    }
}
