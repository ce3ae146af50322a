using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Testing;

namespace Confer.Pki.Tests;

/// <summary>Real TLS 1.3 handshakes over loopback between an aggregator and collaborators, with client certificates required and judged by the validators.</summary>
public class MutualTlsTests
{
    private static readonly string[] Authorized = ["alpha", "beta"];

    [Fact]
    public async Task Handshake_CertifiedCollaborator_SucceedsWithTls13AndBothSidesValidated()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        federation.EnrollCollaborator("alpha");

        var outcome = await HandshakeAsync(federation, "alpha");

        Assert.Null(outcome.ServerError);
        Assert.Null(outcome.ClientError);
        Assert.Equal(SslProtocols.Tls13, outcome.Protocol);
        Assert.True(outcome.ClientCertificateResult!.IsAccepted, outcome.ClientCertificateResult.Message);
        Assert.Equal("alpha", outcome.ClientCertificateResult.CommonName);
        Assert.True(outcome.ServerCertificateResult!.IsAccepted, outcome.ServerCertificateResult.Message);
        Assert.Equal(42, outcome.Echoed);
    }

    [Fact]
    public async Task Handshake_RevokedCollaborator_IsRefusedByTheRunningAggregator()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        federation.EnrollCollaborator("alpha");
        var validator = federation.CreateValidator();
        var before = await HandshakeAsync(federation, "alpha", validator);
        Assert.True(before.ClientCertificateResult!.IsAccepted);

        federation.Ca.RevokeCollaborator("alpha");
        var after = await HandshakeAsync(federation, "alpha", validator);

        Assert.Equal(CertificateValidationStatus.Revoked, after.ClientCertificateResult!.Status);
        Assert.IsAssignableFrom<AuthenticationException>(after.ServerError);
        Assert.NotNull(after.ClientError);
        Assert.Null(after.Echoed);
    }

    [Fact]
    public async Task Handshake_CollaboratorOfAnotherFederation_IsRefused()
    {
        using var federation = TestFederation.Create();
        using var other = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        var request = federation.RequestCollaborator("alpha");

        // The collaborator's certificate comes from another CA, but it trusts ours for the server.
        var foreign = other.Ca.CertifyCollaborator(request.PackagePath!);
        CollaboratorCertificates.Import(federation.CollaboratorWorkspace("alpha"), foreign.SignedPackagePath!, timeProvider: federation.Time);
        File.Copy(federation.AggregatorPaths.CertChain, new CertificatePaths(federation.CollaboratorWorkspace("alpha")).CertChain, overwrite: true);

        var outcome = await HandshakeAsync(federation, "alpha");

        Assert.Equal(CertificateValidationStatus.UntrustedIssuer, outcome.ClientCertificateResult!.Status);
        Assert.IsAssignableFrom<AuthenticationException>(outcome.ServerError);
    }

    private static async Task<Outcome> HandshakeAsync(TestFederation federation, string collaborator, CollaboratorCertificateValidator? validator = null)
    {
        validator ??= federation.CreateValidator();
        using var server = NodeCredential.LoadAggregator(federation.AggregatorWorkspace, "localhost");
        using var client = NodeCredential.LoadCollaborator(federation.CollaboratorWorkspace(collaborator), collaborator);
        var serverValidator = new AggregatorCertificateValidator(client.Trust, federation.Time);
        var outcome = new Outcome();

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverTask = Task.Run(async () =>
        {
            using var tcp = await listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = server.CreateCertificateContext(),
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        outcome.ClientCertificateResult = validator.Validate(certificate, claimedCollaboratorName: null, Authorized);
                        return outcome.ClientCertificateResult.IsAccepted;
                    },
                });
                outcome.Protocol = ssl.SslProtocol;
                var buffer = new byte[1];
                await ssl.ReadExactlyAsync(buffer);
                await ssl.WriteAsync(buffer);
                await ssl.FlushAsync();
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                outcome.ServerError = ex;
            }
        });

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port).DefaultTimeout();
            await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificateContext = client.CreateCertificateContext(),
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        outcome.ServerCertificateResult = serverValidator.Validate(certificate, "localhost");
                        return outcome.ServerCertificateResult.IsAccepted;
                    },
                }).DefaultTimeout();

                // TLS 1.3 finishes the client's side before the server has judged the client certificate; the refusal arrives on the first read.
                await ssl.WriteAsync(new byte[] { 42 }).AsTask().DefaultTimeout();
                var buffer = new byte[1];
                await ssl.ReadExactlyAsync(buffer).AsTask().DefaultTimeout();
                outcome.Echoed = buffer[0];
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                outcome.ClientError = ex;
            }
        }

        await serverTask.DefaultTimeout();
        return outcome;
    }

    private sealed class Outcome
    {
        public CertificateValidationResult? ClientCertificateResult { get; set; }

        public CertificateValidationResult? ServerCertificateResult { get; set; }

        public SslProtocols Protocol { get; set; }

        public Exception? ServerError { get; set; }

        public Exception? ClientError { get; set; }

        public int? Echoed { get; set; }
    }
}
