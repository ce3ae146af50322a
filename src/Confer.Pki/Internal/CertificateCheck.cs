using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Internal;

/// <summary>The time-independent facts about a certificate that the per-call checks need; computed once per certificate and cached.</summary>
internal sealed class CertificateCheck
{
    private CertificateCheck(string? chainProblem, DateTimeOffset notBefore, DateTimeOffset notAfter, bool hasClientAuth, bool hasServerAuth, string? commonName, string serialNumber, string subject, string issuer)
    {
        ChainProblem = chainProblem;
        NotBefore = notBefore;
        NotAfter = notAfter;
        HasClientAuth = hasClientAuth;
        HasServerAuth = hasServerAuth;
        CommonName = commonName;
        SerialNumber = serialNumber;
        Subject = subject;
        Issuer = issuer;
    }

    public string? ChainProblem { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public bool HasClientAuth { get; }

    public bool HasServerAuth { get; }

    public string? CommonName { get; }

    public string SerialNumber { get; }

    public string Subject { get; }

    public string Issuer { get; }

    public static string CacheKey(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public static CertificateCheck Compute(X509Certificate2 certificate, FederationTrust trust)
    {
        var problem = ChainVerifier.Verify(certificate, trust);
        var (notBefore, notAfter) = ChainVerifier.ValidityWindow(certificate, trust);
        return new CertificateCheck(
            problem,
            notBefore,
            notAfter,
            CertificateFactory.HasExtendedKeyUsage(certificate, CertificateFactory.ClientAuthOid),
            CertificateFactory.HasExtendedKeyUsage(certificate, CertificateFactory.ServerAuthOid),
            CertificateFactory.GetCommonName(certificate.SubjectName),
            certificate.SerialNumber,
            certificate.Subject,
            certificate.Issuer);
    }

    /// <summary>The first refusal among chain, validity period and usage, or <see langword="null"/>.</summary>
    public CertificateValidationResult? Refusal(FederationTrust trust, DateTimeOffset now, bool asClient)
    {
        if (ChainProblem is not null)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.UntrustedIssuer,
                $"Certificate '{Subject}' (issuer '{Issuer}', serial {SerialNumber}) does not chain to this federation's CA (root SHA-256 {trust.RootFingerprintSha256}): {ChainProblem}.",
                CommonName,
                SerialNumber);
        }

        if (now < NotBefore)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.NotYetValid,
                $"Certificate '{Subject}' (serial {SerialNumber}) is not valid before {NotBefore:u}; it is now {now:u}. Check the clocks of both nodes.",
                CommonName,
                SerialNumber);
        }

        if (now > NotAfter)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.Expired,
                $"Certificate '{Subject}' (serial {SerialNumber}) or its CA expired on {NotAfter:u}; it is now {now:u}. Request a new certificate.",
                CommonName,
                SerialNumber);
        }

        if (asClient ? !HasClientAuth : !HasServerAuth)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.WrongUsage,
                $"Certificate '{Subject}' (serial {SerialNumber}) is not a TLS {(asClient ? "client" : "server")} certificate; "
                + (asClient ? "collaborators must present the certificate issued by `confer collaborator certify`." : "the aggregator must present the certificate issued by `confer aggregator certify`."),
                CommonName,
                SerialNumber);
        }

        return null;
    }
}
