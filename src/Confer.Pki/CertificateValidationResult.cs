namespace Confer.Pki;

/// <summary>The outcome of checking a presented certificate: accepted, or refused with the reason and a message for logs and error statuses.</summary>
public sealed class CertificateValidationResult
{
    private CertificateValidationResult(CertificateValidationStatus status, string message, string? commonName, string? serialNumber)
    {
        Status = status;
        Message = message;
        CommonName = commonName;
        SerialNumber = serialNumber;
    }

    /// <summary>Whether every check passed.</summary>
    public bool IsAccepted => Status == CertificateValidationStatus.Accepted;

    /// <summary><see cref="CertificateValidationStatus.Accepted"/>, or the check that refused the certificate.</summary>
    public CertificateValidationStatus Status { get; }

    /// <summary>What was checked and, when refused, what was wrong with which value.</summary>
    public string Message { get; }

    /// <summary>The certificate's common name (the collaborator label or aggregator FQDN), when a certificate was presented.</summary>
    public string? CommonName { get; }

    /// <summary>The certificate's serial number, upper-case hexadecimal, when a certificate was presented.</summary>
    public string? SerialNumber { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Status}: {Message}";

    internal static CertificateValidationResult Accept(string message, string? commonName, string? serialNumber) =>
        new(CertificateValidationStatus.Accepted, message, commonName, serialNumber);

    internal static CertificateValidationResult Refuse(CertificateValidationStatus status, string message, string? commonName = null, string? serialNumber = null) =>
        new(status, message, commonName, serialNumber);
}
