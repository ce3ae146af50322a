using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// A collaborator's check of the aggregator's server certificate: it must chain to the federation's CA
/// from <c>cert/cert_chain.crt</c> (no system roots), be within its validity period by the injected clock,
/// be a TLS server certificate, and name the host the collaborator dialled in its subject alternative names.
/// </summary>
public sealed class AggregatorCertificateValidator
{
    private readonly FederationTrust _trust;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the validator.</summary>
    /// <param name="trust">The federation's CA certificates, from the collaborator's <c>cert/cert_chain.crt</c>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public AggregatorCertificateValidator(FederationTrust trust, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        _trust = trust;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Checks the aggregator's server certificate.</summary>
    /// <param name="certificate">The certificate the aggregator presented; <see langword="null"/> when none was.</param>
    /// <param name="aggregatorFqdn">The host the collaborator dialled: the plan's <c>agg_addr</c>.</param>
    /// <returns>Accepted, or the first check that refused the certificate.</returns>
    public CertificateValidationResult Validate(X509Certificate? certificate, string aggregatorFqdn)
    {
        var host = PkiNames.NormalizeAggregatorFqdn(aggregatorFqdn);
        if (certificate is null)
        {
            return CertificateValidationResult.Refuse(CertificateValidationStatus.MissingCertificate, $"The aggregator at '{host}' presented no certificate.");
        }

        var owned = certificate as X509Certificate2;
        var certificate2 = owned ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            var check = CertificateCheck.Compute(certificate2, _trust);
            var refusal = check.Refusal(_trust, _timeProvider.GetUtcNow(), asClient: false);
            if (refusal is not null)
            {
                return refusal;
            }

            // Subject alternative names only: matching on the common name is a legacy fallback that TLS clients have dropped.
            if (!certificate2.MatchesHostname(host, allowWildcards: false, allowCommonName: false))
            {
                return CertificateValidationResult.Refuse(
                    CertificateValidationStatus.HostNameMismatch,
                    $"The aggregator's certificate '{check.Subject}' (serial {check.SerialNumber}) does not name '{host}' among its subject alternative names. Dial the FQDN it was certified for, or certify the aggregator for '{host}'.",
                    check.CommonName,
                    check.SerialNumber);
            }

            return CertificateValidationResult.Accept($"The aggregator '{host}' presented a valid certificate (serial {check.SerialNumber}).", check.CommonName, check.SerialNumber);
        }
        finally
        {
            if (owned is null)
            {
                certificate2.Dispose();
            }
        }
    }
}
