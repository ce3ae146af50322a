namespace Confer.Pki.Internal;

/// <summary>The JSON shape of <c>cert/ca/certificates.json</c>.</summary>
internal sealed class DatabaseDocument
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    /// <summary>The number of the last CRL written; CRL numbers must increase.</summary>
    public long CrlNumber { get; set; }

    public List<CertificateRecord> Certificates { get; set; } = [];
}
