namespace Confer.Pki;

/// <summary>A certificate the CA just issued, and every file it wrote.</summary>
public sealed class IssuedCertificate
{
    internal IssuedCertificate(CertificateRecord record, string certificatePath, string? signedPackagePath, string csrSha384, IReadOnlyList<CertificateRecord> superseded, IReadOnlyList<string> filesWritten)
    {
        Record = record;
        CertificatePath = certificatePath;
        SignedPackagePath = signedPackagePath;
        CsrSha384 = csrSha384;
        Superseded = superseded;
        FilesWritten = filesWritten;
    }

    /// <summary>The database record of the new certificate: serial number, name, validity.</summary>
    public CertificateRecord Record { get; }

    /// <summary>Where the certificate was written on the CA's side: <c>cert/server/agg_FQDN.crt</c> or <c>cert/client/col_NAME.crt</c>.</summary>
    public string CertificatePath { get; }

    /// <summary>The <c>agg_to_col_NAME_signed_cert.zip</c> to send back to the collaborator; <see langword="null"/> for the aggregator.</summary>
    public string? SignedPackagePath { get; }

    /// <summary>SHA-384 of the CSR that was signed, lower-case hexadecimal.</summary>
    public string CsrSha384 { get; }

    /// <summary>Earlier certificates of the same name that were revoked because the new one replaced them (only with <c>force</c>).</summary>
    public IReadOnlyList<CertificateRecord> Superseded { get; }

    /// <summary>Every file written, in the order written, for the command line to report.</summary>
    public IReadOnlyList<string> FilesWritten { get; }
}
