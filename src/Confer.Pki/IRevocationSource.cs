namespace Confer.Pki;

/// <summary>Answers "is this certificate revoked?" for the aggregator's per-call checks; implementations must be cheap and thread-safe.</summary>
public interface IRevocationSource
{
    /// <summary>The status of the certificate with <paramref name="serialNumber"/>.</summary>
    /// <param name="serialNumber">The serial number in hexadecimal, any case, as <see cref="System.Security.Cryptography.X509Certificates.X509Certificate.GetSerialNumberString"/> returns it.</param>
    /// <returns>Good, revoked, or unknown.</returns>
    RevocationStatus GetStatus(string serialNumber);
}
