using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.Messages;
using Confer.Protos.V2;
using ReasonCode = Confer.Federation.Messages.ReasonCode;
using Confer.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>Hostile callers against a real aggregator on 127.0.0.1 with mutual TLS 1.3: each is refused with the reason code of the failed check and a status naming it, and the refusal is logged; a caller without a certificate of the federation's CA does not get past the TLS handshake.</summary>
public class SecurityTests
{
    [Fact]
    public async Task PullMessages_CertificateOfAnotherCollaborator_IsRefusedForTheCommonName()
    {
        var (error, logs) = await CallAsync(certificateOf: "alpha", claimed: "beta", planHash: null);
        var status = error.Status;
        Assert.Equal(ReasonCode.NameMismatch, Refusal.ReasonOf(error));
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("NameMismatch", status.Detail, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("Refused", StringComparison.Ordinal) && m.Contains("NameMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PullMessages_WrongPlanHash_IsRefusedNamingBothHashes()
    {
        var (error, _) = await CallAsync(certificateOf: "alpha", claimed: "alpha", planHash: new string('0', 96));
        var status = error.Status;
        Assert.Equal(ReasonCode.WrongPlanHash, Refusal.ReasonOf(error));
        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.StartsWith("plan hash mismatch: yours 000", status.Detail, StringComparison.Ordinal);
        Assert.Contains("aggregator's", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullMessages_CertifiedButNotInColsYaml_IsRefusedAsUnknown()
    {
        var (error, _) = await CallAsync(certificateOf: "mallory", claimed: "mallory", planHash: null);
        var status = error.Status;
        Assert.Equal(ReasonCode.UnknownCollaborator, Refusal.ReasonOf(error));
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("NotAuthorized", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullMessages_RevokedCertificate_IsRefusedAsRevoked()
    {
        var (error, _) = await CallAsync(certificateOf: "alpha", claimed: "alpha", planHash: null, revoke: "alpha");
        var status = error.Status;
        Assert.Equal(ReasonCode.RevokedCertificate, Refusal.ReasonOf(error));
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("Revoked", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullMessages_NoClientCertificate_IsRefusedAtTheHandshakeAndLogged()
    {
        var (error, logs) = await CallAsync(certificateOf: null, claimed: "alpha", planHash: null);

        // No call reached the service: no reason code, a connection that never became HTTP/2.
        Assert.Equal(ReasonCode.Unspecified, Refusal.ReasonOf(error));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(logs.Messages, m => m.StartsWith("Refused a TLS connection: MissingCertificate", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.StartsWith("Refused confer.v2.Grid", StringComparison.Ordinal));
    }

    private static async Task<(RpcException Error, CapturingLoggerProvider Logs)> CallAsync(string? certificateOf, string claimed, string? planHash, string? revoke = null)
    {
        using var workspace = FederationWorkspace.Create(["alpha", "beta"], rounds: 1);
        workspace.Enroll("mallory");
        if (revoke is not null)
        {
            workspace.Ca.RevokeCollaborator(revoke);
        }

        var logs = new CapturingLoggerProvider();
        var host = await AggregatorHost.StartAsync(new AggregatorOptions
        {
            WorkspaceDirectory = workspace.AggregatorWorkspace,
            ListenAddress = IPAddress.Loopback,
            Port = 0,
            PollWindow = TimeSpan.FromSeconds(1),
            ConfigureLogging = b => b.AddProvider(logs),
        }).DefaultTimeout();
        await using (host)
        {
            using var credential = certificateOf is null ? null : NodeCredential.LoadCollaborator(workspace.CollaboratorWorkspace(certificateOf), certificateOf);
            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ClientCertificateContext = credential?.CreateCertificateContext(),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
            };
            using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            var client = new Protos.V2.Grid.GridClient(channel);
            var headers = new Metadata
            {
                { FederationHeaders.Collaborator, claimed },
                { FederationHeaders.PlanHash, planHash ?? host.PlanHash },
            };
            var error = await Assert.ThrowsAsync<RpcException>(() => client.PullMessagesAsync(new PullMessagesRequest(), headers).ResponseAsync.DefaultTimeout());
            return (error, logs);
        }
    }
}
