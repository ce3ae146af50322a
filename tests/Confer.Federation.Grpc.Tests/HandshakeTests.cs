using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Testing;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Tests;

/// <summary>
/// A collaborator whose certificate the aggregator's TLS handshake refuses: it stops at once with
/// exit 1 (trying again cannot help) and says, from its own side, which certificate it presented.
/// </summary>
public class HandshakeTests
{
    [Fact]
    public async Task CollaboratorWithACertificateOfAnotherCa_IsRefusedAtTheHandshake_AndExplainsWhichCertificateItPresented()
    {
        using var workspace = FederationWorkspace.Create(["alpha"], rounds: 1);
        string alpha = workspace.CollaboratorWorkspace("alpha");

        // alpha keeps the federation's CA chain (it trusts the aggregator) but presents a certificate another CA signed.
        string foreign = Path.Combine(workspace.Root, "foreign");
        using (CertificateAuthority other = CertificateAuthority.Create(Path.Combine(foreign, "ca")))
        {
            string impostor = Path.Combine(foreign, "alpha");
            CertificateRequestResult request = CollaboratorCertificates.GenerateRequest(impostor, "alpha");
            IssuedCertificate issued = other.CertifyCollaborator(request.PackagePath!, request.CsrSha384, outputDirectory: impostor);
            CollaboratorCertificates.Import(impostor, issued.SignedPackagePath!, other.Trust.RootFingerprintSha256);
            foreach (string file in new[] { "col_alpha.crt", "col_alpha.key" })
            {
                File.Copy(Path.Combine(impostor, "cert", "client", file), Path.Combine(alpha, "cert", "client", file), overwrite: true);
            }
        }

        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var host = await workspace.StartAggregatorAsync(logs);

        int exitCode = await CollaboratorHost.RunAsync(new CollaboratorOptions
        {
            WorkspaceDirectory = alpha,
            Name = "alpha",
            AggregatorAddress = host.Address,
            LoggerFactory = loggerFactory,
            GiveUpAfter = TimeSpan.FromMinutes(5),
        }).DefaultTimeout();

        Assert.Equal(1, exitCode);
        var said = Assert.Single(logs.Errors, e => e.Contains("refused the TLS handshake of collaborator alpha", StringComparison.Ordinal));
        Assert.Contains("presented the certificate 'CN=alpha' issued by 'O=Confer", said, StringComparison.Ordinal);
        Assert.Contains("accepts only certificates issued by its federation's CA", said, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.StartsWith("Refused a TLS connection: UntrustedIssuer", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("gave up", StringComparison.Ordinal));
    }
}
