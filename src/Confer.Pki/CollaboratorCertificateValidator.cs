using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// The aggregator's check of a collaborator's client certificate, meant to run on every call: the
/// certificate must chain to the federation's CA (and only to it: system roots and peer-supplied
/// intermediates play no part), be within its validity period by the injected clock, be a TLS client
/// certificate, be in the CA's database and unrevoked, carry the claimed collaborator name as its
/// common name, and that name must be in the plan's authorized list.
/// </summary>
/// <remarks>
/// The chain is built once per distinct certificate and the time-independent result cached (up to
/// 4096 certificates); the validity period, revocation, name and authorization are checked on every
/// call, so revocations and expiry take effect at once. Thread-safe.
/// </remarks>
public sealed class CollaboratorCertificateValidator
{
    private const int MaxCachedCertificates = 4096;

    private readonly FederationTrust _trust;
    private readonly IRevocationSource? _revocationSource;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, CertificateCheck> _checks = new(StringComparer.Ordinal);

    /// <summary>Creates the validator.</summary>
    /// <param name="trust">The federation's CA certificates, from the aggregator's <c>cert/cert_chain.crt</c>.</param>
    /// <param name="revocationSource">
    /// Revocation answers, usually a <see cref="DatabaseRevocationSource"/> on the workspace's database. A certificate it
    /// does not know is refused. <see langword="null"/> disables revocation and database checks; only for an aggregator
    /// that has no access to the CA database, and it then cannot honour revocations.
    /// </param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public CollaboratorCertificateValidator(FederationTrust trust, IRevocationSource? revocationSource, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        _trust = trust;
        _revocationSource = revocationSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Checks a collaborator's client certificate.</summary>
    /// <param name="certificate">The certificate the peer presented in the TLS handshake; <see langword="null"/> when none was.</param>
    /// <param name="claimedCollaboratorName">The collaborator name the request acts as; <see langword="null"/> to skip the name binding (during the handshake, before any request is read).</param>
    /// <param name="authorizedCollaborators">The plan's authorized collaborators (<c>plan/cols.yaml</c>); <see langword="null"/> to skip the check.</param>
    /// <returns>Accepted, or the first check that refused the certificate, with a message naming the offending value.</returns>
    public CertificateValidationResult Validate(X509Certificate? certificate, string? claimedCollaboratorName = null, IReadOnlyCollection<string>? authorizedCollaborators = null)
    {
        if (certificate is null)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.MissingCertificate,
                "No client certificate was presented. Every collaborator connects with mutual TLS using cert/client/col_NAME.crt; plaintext and anonymous TLS are refused.");
        }

        var check = GetCheck(certificate);
        var refusal = check.Refusal(_trust, _timeProvider.GetUtcNow(), asClient: true);
        if (refusal is not null)
        {
            return refusal;
        }

        var name = check.CommonName;
        if (_revocationSource is not null)
        {
            switch (_revocationSource.GetStatus(check.SerialNumber))
            {
                case RevocationStatus.Revoked:
                    return CertificateValidationResult.Refuse(
                        CertificateValidationStatus.Revoked,
                        $"The certificate of collaborator '{name}' (serial {check.SerialNumber}) was revoked. Its operator needs a new certificate from the federation's operator.",
                        name,
                        check.SerialNumber);
                case RevocationStatus.Unknown:
                    return CertificateValidationResult.Refuse(
                        CertificateValidationStatus.UnknownCertificate,
                        $"The certificate of collaborator '{name}' (serial {check.SerialNumber}) is signed by this federation's CA but is not in its certificate database; it is refused until it is certified again.",
                        name,
                        check.SerialNumber);
            }
        }

        if (name is null)
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.NameMismatch,
                $"Certificate '{check.Subject}' (serial {check.SerialNumber}) has no single common name, so it names no collaborator.",
                name,
                check.SerialNumber);
        }

        if (claimedCollaboratorName is not null && !string.Equals(name, claimedCollaboratorName, StringComparison.Ordinal))
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.NameMismatch,
                $"The request claims to come from collaborator '{claimedCollaboratorName}', but the client certificate (serial {check.SerialNumber}) belongs to '{name}'.",
                name,
                check.SerialNumber);
        }

        if (authorizedCollaborators is not null && !authorizedCollaborators.Contains(name))
        {
            return CertificateValidationResult.Refuse(
                CertificateValidationStatus.NotAuthorized,
                $"Collaborator '{name}' is not in the plan's authorized collaborators ({Describe(authorizedCollaborators)}). Add it to plan/cols.yaml to let it take part.",
                name,
                check.SerialNumber);
        }

        return CertificateValidationResult.Accept($"Collaborator '{name}' presented a valid certificate (serial {check.SerialNumber}).", name, check.SerialNumber);
    }

    private static string Describe(IReadOnlyCollection<string> names) =>
        names.Count == 0 ? "the list is empty" : names.Count <= 10 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(10))}, and {names.Count - 10} more";

    private CertificateCheck GetCheck(X509Certificate presented)
    {
        var owned = presented as X509Certificate2;
        var certificate = owned ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        try
        {
            var key = CertificateCheck.CacheKey(certificate);
            if (_checks.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var check = CertificateCheck.Compute(certificate, _trust);
            if (_checks.Count >= MaxCachedCertificates)
            {
                // Far more distinct certificates than a federation has collaborators: someone is probing.
                _checks.Clear();
            }

            _checks.TryAdd(key, check);
            return check;
        }
        finally
        {
            if (owned is null)
            {
                certificate.Dispose();
            }
        }
    }
}
