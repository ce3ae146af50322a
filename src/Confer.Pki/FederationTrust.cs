using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// The federation's trust anchors as every node holds them in <c>cert/cert_chain.crt</c>: the signing CA
/// that issues node certificates and the root CA above it. Public certificates only, no keys.
/// </summary>
public sealed class FederationTrust : IDisposable
{
    private FederationTrust(X509Certificate2 root, X509Certificate2 signingCa)
    {
        Root = root;
        SigningCa = signingCa;
        RootFingerprintSha256 = CertificateFactory.FingerprintSha256(root);
    }

    /// <summary>The self-signed root CA.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The signing (intermediate) CA, issued by <see cref="Root"/>, that issues aggregator and collaborator certificates.</summary>
    public X509Certificate2 SigningCa { get; }

    /// <summary>SHA-256 of the root CA certificate, lower-case hexadecimal: what operators compare out of band to know they trust the same federation.</summary>
    public string RootFingerprintSha256 { get; }

    /// <summary>Loads the trust chain of a workspace from <c>cert/cert_chain.crt</c>.</summary>
    /// <param name="workspaceDirectory">The workspace folder.</param>
    /// <returns>The trust anchors.</returns>
    /// <exception cref="PkiException">The chain file is missing or is not a signing CA and its root.</exception>
    public static FederationTrust LoadFromWorkspace(string workspaceDirectory) => Load(new CertificatePaths(workspaceDirectory).CertChain);

    /// <summary>Loads a PEM chain file holding exactly the signing CA and the root CA (in either order).</summary>
    /// <param name="certChainPath">The path of the chain file, usually <see cref="CertificatePaths.CertChain"/>.</param>
    /// <returns>The trust anchors.</returns>
    /// <exception cref="PkiException">The file is missing or is not a signing CA and its root.</exception>
    public static FederationTrust Load(string certChainPath)
    {
        if (!File.Exists(certChainPath))
        {
            throw new PkiException(
                PkiError.CaMissing,
                $"The federation's certificate chain '{certChainPath}' does not exist. On the aggregator, run `confer workspace certify`; on a collaborator, import the signed package with `confer collaborator certify --import PATH`.");
        }

        return Parse(File.ReadAllText(certChainPath), certChainPath);
    }

    /// <summary>Parses PEM text holding exactly the signing CA and the root CA (in either order).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">Where the text came from, for error messages.</param>
    /// <returns>The trust anchors.</returns>
    /// <exception cref="PkiException">The text is not a signing CA and its root.</exception>
    public static FederationTrust Parse(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiError.UntrustedChain, $"The certificate chain '{source}' is not valid PEM: {ex.Message}", ex);
        }

        try
        {
            if (collection.Count != 2)
            {
                throw new PkiException(PkiError.UntrustedChain, $"The certificate chain '{source}' holds {collection.Count} certificates; it must hold exactly the signing CA and the root CA.");
            }

            var root = collection.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) && CertificateFactory.IsCa(c));
            var signing = collection.FirstOrDefault(c => !ReferenceEquals(c, root) && CertificateFactory.IsCa(c));
            if (root is null || signing is null || !signing.IssuerName.RawData.AsSpan().SequenceEqual(root.SubjectName.RawData))
            {
                throw new PkiException(PkiError.UntrustedChain, $"The certificate chain '{source}' is not a signing CA followed by the self-signed root CA that issued it.");
            }

            if (!ChainVerifier.IsSignedBy(signing, root))
            {
                throw new PkiException(PkiError.UntrustedChain, $"In the certificate chain '{source}', the signing CA's signature does not verify with the root CA's key.");
            }

            var trust = new FederationTrust(root, signing);
            collection.Clear();
            return trust;
        }
        finally
        {
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>The chain as PEM, signing CA first then root: the content of <c>cert/cert_chain.crt</c>.</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPem() => SigningCa.ExportCertificatePem() + "\n" + Root.ExportCertificatePem() + "\n";

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        SigningCa.Dispose();
    }
}
