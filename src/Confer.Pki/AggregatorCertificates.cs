using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>The aggregator's side of its certificate: <c>confer aggregator generate-cert-request [--fqdn]</c>. The CA signs it with <see cref="CertificateAuthority.CertifyAggregator"/>.</summary>
public static class AggregatorCertificates
{
    /// <summary>
    /// Generates the aggregator's key pair and CSR: <c>cert/server/agg_FQDN.key</c> (mode 0600) and
    /// <c>cert/server/agg_FQDN.csr</c>, with the FQDN as common name and subject alternative name.
    /// </summary>
    /// <param name="workspaceDirectory">The aggregator's workspace folder.</param>
    /// <param name="fqdn">The name collaborators dial: a DNS name, <c>localhost</c>, or an IP address.</param>
    /// <param name="algorithm">The key algorithm. Default <see cref="KeyAlgorithm.EcdsaP384"/>.</param>
    /// <param name="force">Replace an existing key. A certificate issued for the old key stops working.</param>
    /// <returns>The files written and the CSR's SHA-384.</returns>
    /// <exception cref="PkiException">The FQDN is invalid, or a key exists and <paramref name="force"/> is not set.</exception>
    public static CertificateRequestResult GenerateRequest(string workspaceDirectory, string fqdn, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384, bool force = false)
    {
        var name = PkiNames.NormalizeAggregatorFqdn(fqdn);
        var paths = new CertificatePaths(workspaceDirectory);
        var keyPath = paths.AggregatorKey(name);
        if (File.Exists(keyPath) && !force)
        {
            throw new PkiException(
                PkiError.KeyAlreadyExists,
                $"The aggregator key '{keyPath}' already exists. Keep it and run `confer aggregator certify --fqdn {name}`, or generate a new one with --force (its certificate must then be issued again).");
        }

        using var key = KeyMaterial.Generate(algorithm);
        var csrPem = CertificateFactory.CreateSigningRequestPem(CertificateKind.Aggregator, name, key) + "\n";
        var csrBytes = CertificateRequestPackage.Utf8(csrPem);
        var requestPath = paths.AggregatorRequest(name);
        SecureFile.CreateDirectory(paths.CertDirectory, isPrivate: false);
        SecureFile.CreateDirectory(paths.ServerDirectory, isPrivate: true);
        SecureFile.WriteAllText(keyPath, KeyMaterial.ExportPrivateKeyPem(key), SecureFile.PrivateMode);
        SecureFile.WriteAllBytes(requestPath, csrBytes, SecureFile.PublicMode);
        return new CertificateRequestResult(CertificateKind.Aggregator, name, keyPath, requestPath, packagePath: null, Hashes.Sha384Hex(csrBytes));
    }
}
