namespace Confer.Pki;

/// <summary>What <c>confer collaborator certify --import</c> placed in the collaborator's workspace.</summary>
public sealed class CollaboratorImportResult
{
    internal CollaboratorImportResult(string name, string certificatePath, string certChainPath, string serialNumber, DateTimeOffset notAfter, string rootFingerprintSha256, IReadOnlyList<string> filesWritten)
    {
        Name = name;
        CertificatePath = certificatePath;
        CertChainPath = certChainPath;
        SerialNumber = serialNumber;
        NotAfter = notAfter;
        RootFingerprintSha256 = rootFingerprintSha256;
        FilesWritten = filesWritten;
    }

    /// <summary>The collaborator label.</summary>
    public string Name { get; }

    /// <summary><c>cert/client/col_NAME.crt</c>.</summary>
    public string CertificatePath { get; }

    /// <summary><c>cert/cert_chain.crt</c>.</summary>
    public string CertChainPath { get; }

    /// <summary>The certificate's serial number, upper-case hexadecimal.</summary>
    public string SerialNumber { get; }

    /// <summary>When the certificate expires.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>SHA-256 of the federation's root CA certificate, lower-case hexadecimal; compare it with the aggregator's operator.</summary>
    public string RootFingerprintSha256 { get; }

    /// <summary>Every file written (the chain is not rewritten when it is already in place).</summary>
    public IReadOnlyList<string> FilesWritten { get; }
}
