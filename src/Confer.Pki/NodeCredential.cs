using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// A node's TLS identity loaded from its workspace: its certificate with the private key, and the
/// signing CA to send along so the peer can build the chain. Hand <see cref="CreateCertificateContext"/>
/// to Kestrel (<c>ServerCertificateChain</c>/<c>SslStreamCertificateContext</c>) or to the gRPC client's
/// <c>SslClientAuthenticationOptions.ClientCertificateContext</c>.
/// </summary>
public sealed class NodeCredential : IDisposable
{
    private NodeCredential(X509Certificate2 certificate, FederationTrust trust)
    {
        Certificate = certificate;
        Trust = trust;
    }

    /// <summary>The node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The federation's CA certificates from <c>cert/cert_chain.crt</c>.</summary>
    public FederationTrust Trust { get; }

    /// <summary>Loads the aggregator's identity: <c>cert/server/agg_FQDN.crt</c> and <c>.key</c>, and <c>cert/cert_chain.crt</c>.</summary>
    /// <param name="workspaceDirectory">The aggregator's workspace folder.</param>
    /// <param name="fqdn">The aggregator's FQDN.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="PkiException">A file is missing, or the certificate does not match the key.</exception>
    public static NodeCredential LoadAggregator(string workspaceDirectory, string fqdn)
    {
        var paths = new CertificatePaths(workspaceDirectory);
        var name = PkiNames.NormalizeAggregatorFqdn(fqdn);
        return Load(paths, paths.AggregatorCertificate(name), paths.AggregatorKey(name), $"Run `confer aggregator generate-cert-request --fqdn {name}` and `confer aggregator certify --fqdn {name}`.");
    }

    /// <summary>Loads a collaborator's identity: <c>cert/client/col_NAME.crt</c> and <c>.key</c>, and <c>cert/cert_chain.crt</c>.</summary>
    /// <param name="workspaceDirectory">The collaborator's workspace folder.</param>
    /// <param name="name">The collaborator label.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="PkiException">A file is missing, or the certificate does not match the key.</exception>
    public static NodeCredential LoadCollaborator(string workspaceDirectory, string name)
    {
        PkiNames.ValidateCollaboratorName(name);
        var paths = new CertificatePaths(workspaceDirectory);
        return Load(paths, paths.CollaboratorCertificate(name), paths.CollaboratorKey(name), $"Run `confer collaborator generate-cert-request -n {name}`, have the package signed, and import the answer with `confer collaborator certify --import PATH`.");
    }

    /// <summary>A TLS certificate context with the signing CA as the intermediate to send; built offline (no downloads).</summary>
    /// <returns>The context.</returns>
    public SslStreamCertificateContext CreateCertificateContext() =>
        SslStreamCertificateContext.Create(Certificate, [Trust.SigningCa], offline: true);

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        Trust.Dispose();
    }

    private static NodeCredential Load(CertificatePaths paths, string certificatePath, string keyPath, string remedy)
    {
        if (!File.Exists(certificatePath))
        {
            throw new PkiException(PkiError.NotFound, $"The certificate '{certificatePath}' does not exist. {remedy}");
        }

        if (!File.Exists(keyPath))
        {
            throw new PkiException(PkiError.KeyMissing, $"The private key '{keyPath}' does not exist. {remedy}");
        }

        var trust = FederationTrust.Load(paths.CertChain);
        try
        {
            using var publicOnly = CollaboratorCertificates.LoadSingleCertificate(File.ReadAllText(certificatePath), certificatePath);
            using var key = KeyMaterial.LoadPrivateKey(keyPath);
            if (!KeyMaterial.Matches(publicOnly, key))
            {
                throw new PkiException(PkiError.KeyMismatch, $"The certificate '{certificatePath}' does not match the private key '{keyPath}'. {remedy}");
            }

            var withKey = KeyMaterial.WithPrivateKey(publicOnly, key);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use an ephemeral key for TLS; a PKCS#12 round trip gives it a persisted one.
                using (withKey)
                {
                    return new NodeCredential(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null), trust);
                }
            }

            return new NodeCredential(withKey, trust);
        }
        catch
        {
            trust.Dispose();
            throw;
        }
    }
}
