namespace Confer.Pki;

/// <summary>What <c>generate-cert-request</c> wrote: a private key that stays on this node, its CSR, and for a collaborator the package to send to the CA.</summary>
public sealed class CertificateRequestResult
{
    internal CertificateRequestResult(CertificateKind kind, string name, string keyPath, string requestPath, string? packagePath, string csrSha384)
    {
        Kind = kind;
        Name = name;
        KeyPath = keyPath;
        RequestPath = requestPath;
        PackagePath = packagePath;
        CsrSha384 = csrSha384;
        FilesWritten = packagePath is null ? [keyPath, requestPath] : [keyPath, requestPath, packagePath];
    }

    /// <summary>Aggregator or collaborator.</summary>
    public CertificateKind Kind { get; }

    /// <summary>The collaborator label or the normalized aggregator FQDN.</summary>
    public string Name { get; }

    /// <summary>The private key, PKCS#8 PEM, mode 0600. It never leaves this node.</summary>
    public string KeyPath { get; }

    /// <summary>The CSR, PEM.</summary>
    public string RequestPath { get; }

    /// <summary>The <c>col_NAME_to_agg_cert_request.zip</c> to send to the CA; <see langword="null"/> for the aggregator.</summary>
    public string? PackagePath { get; }

    /// <summary>SHA-384 of the CSR file, lower-case hexadecimal: read it to the CA's operator over a channel you trust, so they can confirm the request is yours.</summary>
    public string CsrSha384 { get; }

    /// <summary>Every file written, in the order written.</summary>
    public IReadOnlyList<string> FilesWritten { get; }
}
