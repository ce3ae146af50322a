using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Protos.V1;
using Confer.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>Hostile callers against a real aggregator on 127.0.0.1 with mutual TLS 1.3: each is refused with a status naming the failed check, and the refusal is logged.</summary>
public class SecurityTests
{
    [Fact]
    public async Task GetTasks_CertificateOfAnotherCollaborator_IsPermissionDeniedForTheCommonName()
    {
        var (status, logs) = await CallAsync(certificateOf: "alpha", claimed: "beta", planHash: null);
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("NameMismatch", status.Detail, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("Refused", StringComparison.Ordinal) && m.Contains("NameMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetTasks_WrongPlanHash_IsFailedPreconditionNamingBothHashes()
    {
        var (status, _) = await CallAsync(certificateOf: "alpha", claimed: "alpha", planHash: new string('0', 96));
        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.StartsWith("plan hash mismatch: yours 000", status.Detail, StringComparison.Ordinal);
        Assert.Contains("aggregator's", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTasks_CertifiedButNotInColsYaml_IsPermissionDenied()
    {
        var (status, _) = await CallAsync(certificateOf: "mallory", claimed: "mallory", planHash: null);
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("NotAuthorized", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTasks_RevokedCertificate_IsPermissionDenied()
    {
        var (status, _) = await CallAsync(certificateOf: "alpha", claimed: "alpha", planHash: null, revoke: "alpha");
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("Revoked", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTasks_NoClientCertificate_IsUnauthenticatedAndLogged()
    {
        var (status, logs) = await CallAsync(certificateOf: null, claimed: "alpha", planHash: null);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.StartsWith("MissingCertificate: No client certificate", status.Detail, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("Refused", StringComparison.Ordinal) && m.Contains("MissingCertificate", StringComparison.Ordinal));
    }

    private static async Task<(Status Status, CapturingLoggerProvider Logs)> CallAsync(string? certificateOf, string claimed, string? planHash, string? revoke = null)
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
            var client = new Aggregator.AggregatorClient(channel);
            var headers = new Metadata
            {
                { FederationHeaders.Collaborator, claimed },
                { FederationHeaders.PlanHash, planHash ?? host.PlanHash },
            };
            var error = await Assert.ThrowsAsync<RpcException>(() => client.GetTasksAsync(new GetTasksRequest(), headers).ResponseAsync.DefaultTimeout());
            return (error.Status, logs);
        }
    }
}
