namespace Confer.Pki;

/// <summary>One certificate the federation's CA issued, as kept in <c>cert/ca/certificates.json</c>.</summary>
public sealed record CertificateRecord
{
    /// <summary>The serial number, upper-case hexadecimal big-endian, as <see cref="System.Security.Cryptography.X509Certificates.X509Certificate.GetSerialNumberString"/> prints it.</summary>
    public required string SerialNumber { get; init; }

    /// <summary>What the certificate was issued for.</summary>
    public required CertificateKind Kind { get; init; }

    /// <summary>The name it was issued to: the collaborator label, the aggregator FQDN, or the CA's common name.</summary>
    public required string Name { get; init; }

    /// <summary>The subject distinguished name.</summary>
    public required string Subject { get; init; }

    /// <summary>Start of validity.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of validity.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>SHA-256 of the certificate's DER, lower-case hexadecimal: the fingerprint tools such as <c>openssl x509 -fingerprint -sha256</c> print.</summary>
    public required string FingerprintSha256 { get; init; }

    /// <summary>SHA-256 of the subject public key info, lower-case hexadecimal; a key certified once cannot be certified for another name.</summary>
    public required string PublicKeySha256 { get; init; }

    /// <summary>Whether the certificate is revoked. A revoked certificate is refused by the aggregator from the next call on.</summary>
    public bool Revoked { get; init; }

    /// <summary>When it was revoked; <see langword="null"/> while it is not.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the certificate is unrevoked and valid at <paramref name="now"/>.</summary>
    /// <param name="now">The time to check at.</param>
    /// <returns><see langword="true"/> when the certificate is in force.</returns>
    public bool IsActiveAt(DateTimeOffset now) => !Revoked && NotBefore <= now && now <= NotAfter;
}
