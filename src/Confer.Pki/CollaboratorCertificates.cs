using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// The collaborator's side of its certificate: <c>confer collaborator generate-cert-request -n NAME</c>
/// and <c>confer collaborator certify --import PATH</c>. In between, the CA signs the request package with
/// <see cref="CertificateAuthority.CertifyCollaborator(CertificateRequestPackage, string?, string?, bool)"/>.
/// </summary>
public static partial class CollaboratorCertificates
{
    private const string What = "Signed certificate package";
    private const string Remedy = "Ask the aggregator's operator to send the agg_to_col_NAME_signed_cert.zip that `confer collaborator certify --request-pkg` wrote.";

    /// <summary>
    /// Generates the collaborator's key pair and CSR, <c>cert/client/col_NAME.key</c> (mode 0600) and
    /// <c>cert/client/col_NAME.csr</c> with the label as common name, and the package
    /// <c>col_NAME_to_agg_cert_request.zip</c> (the CSR and a manifest, never the key) to send to the CA.
    /// </summary>
    /// <param name="workspaceDirectory">The collaborator's workspace folder.</param>
    /// <param name="name">The collaborator label: 1 to 64 letters, digits, '-', '_' or '.'.</param>
    /// <param name="algorithm">The key algorithm. Default <see cref="KeyAlgorithm.EcdsaP384"/>.</param>
    /// <param name="packageDirectory">Where to write the package; the workspace folder when <see langword="null"/>.</param>
    /// <param name="force">Replace an existing key. A certificate issued for the old key stops working.</param>
    /// <returns>The files written and the CSR's SHA-384, to read to the CA's operator.</returns>
    /// <exception cref="PkiException">The label is invalid, or a key exists and <paramref name="force"/> is not set.</exception>
    public static CertificateRequestResult GenerateRequest(string workspaceDirectory, string name, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384, string? packageDirectory = null, bool force = false)
    {
        PkiNames.ValidateCollaboratorName(name);
        var paths = new CertificatePaths(workspaceDirectory);
        var keyPath = paths.CollaboratorKey(name);
        if (File.Exists(keyPath) && !force)
        {
            throw new PkiException(
                PkiError.KeyAlreadyExists,
                $"The key of collaborator '{name}' already exists at '{keyPath}'. To request a certificate for a new key, run again with --force (a certificate issued for the old key stops working).");
        }

        using var key = KeyMaterial.Generate(algorithm);
        var csrBytes = CertificateRequestPackage.Utf8(CertificateFactory.CreateSigningRequestPem(CertificateKind.Collaborator, name, key) + "\n");
        var hash = Hashes.Sha384Hex(csrBytes);
        var requestPath = paths.CollaboratorRequest(name);
        var packagePath = Path.Combine(Path.GetFullPath(packageDirectory ?? paths.WorkspaceDirectory), CertificatePaths.RequestPackageFileName(name));
        SecureFile.CreateDirectory(paths.CertDirectory, isPrivate: false);
        SecureFile.CreateDirectory(paths.ClientDirectory, isPrivate: true);
        SecureFile.WriteAllText(keyPath, KeyMaterial.ExportPrivateKeyPem(key), SecureFile.PrivateMode);
        SecureFile.WriteAllBytes(requestPath, csrBytes, SecureFile.PublicMode);
        SecureFile.WriteAllBytes(packagePath, CertificateRequestPackage.Create(name, csrBytes, hash), SecureFile.PublicMode);
        return new CertificateRequestResult(CertificateKind.Collaborator, name, keyPath, requestPath, packagePath, hash);
    }

    /// <summary>
    /// Imports the CA's answer, <c>agg_to_col_NAME_signed_cert.zip</c>: checks that the certificate is for this
    /// collaborator, matches the private key made here, is a client certificate, and chains to the included
    /// federation CA; then writes <c>cert/client/col_NAME.crt</c> and <c>cert/cert_chain.crt</c>.
    /// </summary>
    /// <param name="workspaceDirectory">The collaborator's workspace folder, holding <c>cert/client/col_NAME.key</c>.</param>
    /// <param name="packagePath">The signed package.</param>
    /// <param name="expectedRootFingerprintSha256">The federation root CA's SHA-256 fingerprint confirmed with the aggregator's operator; <see langword="null"/> to trust the included chain on first use.</param>
    /// <param name="force">Replace a <c>cert/cert_chain.crt</c> that holds a different federation's CA.</param>
    /// <param name="timeProvider">The clock for the validity check; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The files written and the certificate's serial number and expiry.</returns>
    /// <exception cref="PkiException">The package is malformed, the certificate does not match the key or the chain, or the workspace trusts another CA.</exception>
    public static CollaboratorImportResult Import(string workspaceDirectory, string packagePath, string? expectedRootFingerprintSha256 = null, bool force = false, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packagePath);
        var path = Path.GetFullPath(packagePath);
        var paths = new CertificatePaths(workspaceDirectory);
        var entries = PackageArchive.Read(path, What, Remedy);
        var manifest = PackageArchive.ReadManifest(entries, PkiJsonContext.Default.SignedManifest, path, What, Remedy);
        if (manifest.Format != SignedManifest.FormatName)
        {
            throw PackageArchive.Malformed(path, What, $"its manifest format is '{manifest.Format}', expected '{SignedManifest.FormatName}'", Remedy);
        }

        var name = manifest.Name;
        if (!PkiNames.IsValidCollaboratorName(name))
        {
            throw PackageArchive.Malformed(path, What, $"its manifest names collaborator '{name}', which is not a valid collaborator name", Remedy);
        }

        var match = SignedFileNamePattern().Match(Path.GetFileName(path));
        if (match.Success && match.Groups[1].Value != name)
        {
            throw new PkiException(PkiError.NameMismatch, $"{What} '{path}' is named for collaborator '{match.Groups[1].Value}' but holds a certificate for '{name}'. Ask for the original package.");
        }

        var certificateFile = $"col_{name}.crt";
        if (manifest.CertificateFile != certificateFile)
        {
            throw PackageArchive.Malformed(path, What, $"its manifest names certificate file '{manifest.CertificateFile}', expected '{certificateFile}'", Remedy);
        }

        PackageArchive.RefuseUnexpectedEntries(entries, [PackageArchive.ManifestFile, certificateFile, SignedCertificatePackage.ChainFile], path, What, Remedy);
        var keyPath = paths.CollaboratorKey(name);
        if (!File.Exists(keyPath))
        {
            throw new PkiException(
                PkiError.KeyMissing,
                $"This workspace has no private key for collaborator '{name}' ('{keyPath}'). Import the package in the workspace where `confer collaborator generate-cert-request -n {name}` was run: the key never leaves that node.");
        }

        var certificatePem = PackageArchive.ReadText(entries, certificateFile, path, What, Remedy);
        var chainPem = PackageArchive.ReadText(entries, SignedCertificatePackage.ChainFile, path, What, Remedy);
        using var certificate = LoadSingleCertificate(certificatePem, $"{path}!{certificateFile}");
        using var trust = FederationTrust.Parse(chainPem, $"{path}!{SignedCertificatePackage.ChainFile}");

        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (commonName != name)
        {
            throw new PkiException(PkiError.NameMismatch, $"The certificate in '{path}' is for '{commonName}', not for collaborator '{name}'. {Remedy}");
        }

        using (var key = KeyMaterial.LoadPrivateKey(keyPath))
        {
            if (!KeyMaterial.Matches(certificate, key))
            {
                throw new PkiException(
                    PkiError.KeyMismatch,
                    $"The certificate in '{path}' does not match this workspace's private key '{keyPath}'. It was issued for another request (an older one, or one generated elsewhere); "
                    + $"send the current '{CertificatePaths.RequestPackageFileName(name)}' to the aggregator's operator and import the new answer.");
            }
        }

        if (expectedRootFingerprintSha256 is not null && Hashes.Normalize(expectedRootFingerprintSha256) != trust.RootFingerprintSha256)
        {
            throw new PkiException(
                PkiError.UntrustedChain,
                $"The federation root CA in '{path}' has SHA-256 fingerprint {trust.RootFingerprintSha256}, not the confirmed {expectedRootFingerprintSha256.Trim()}. Nothing was imported; do not use this package.");
        }

        var chainProblem = ChainVerifier.Verify(certificate, trust);
        if (chainProblem is not null)
        {
            throw new PkiException(PkiError.UntrustedChain, $"The certificate in '{path}' does not chain to the CA included with it: {chainProblem}. {Remedy}");
        }

        if (!CertificateFactory.HasExtendedKeyUsage(certificate, CertificateFactory.ClientAuthOid))
        {
            throw new PkiException(PkiError.UntrustedChain, $"The certificate in '{path}' is not a TLS client certificate, so the aggregator would refuse it. {Remedy}");
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var (_, notAfter) = ChainVerifier.ValidityWindow(certificate, trust);
        if (now > notAfter)
        {
            throw new PkiException(PkiError.UntrustedChain, $"The certificate in '{path}' (or its CA) expired on {notAfter:u}. Ask the aggregator's operator for a new one.");
        }

        var written = new List<string>();
        var chainPath = paths.CertChain;
        var newChain = trust.ExportPem();
        if (File.Exists(chainPath))
        {
            string? existingRoot;
            try
            {
                using var existing = FederationTrust.Load(chainPath);
                existingRoot = existing.RootFingerprintSha256;
            }
            catch (PkiException)
            {
                existingRoot = null;
            }

            if (existingRoot != trust.RootFingerprintSha256 && !force)
            {
                throw new PkiException(
                    PkiError.TrustConflict,
                    $"This workspace's '{chainPath}' holds a different federation CA (root {existingRoot ?? "unreadable"}) than the package (root {trust.RootFingerprintSha256}). "
                    + "If this workspace now joins the new federation, import again with --force; otherwise, this package is not for this workspace.");
            }
        }

        // Certificate first: while only the certificate is new, the old chain still describes the old federation.
        var certificatePath = paths.CollaboratorCertificate(name);
        SecureFile.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n", SecureFile.PublicMode);
        written.Add(certificatePath);
        if (!File.Exists(chainPath) || File.ReadAllText(chainPath) != newChain)
        {
            SecureFile.WriteAllText(chainPath, newChain, SecureFile.PublicMode);
            written.Add(chainPath);
        }

        return new CollaboratorImportResult(name, certificatePath, chainPath, certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter).ToUniversalTime(), trust.RootFingerprintSha256, written);
    }

    internal static X509Certificate2 LoadSingleCertificate(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiError.MalformedPackage, $"'{source}' is not a PEM certificate: {ex.Message}", ex);
        }

        if (collection.Count != 1)
        {
            foreach (var extra in collection)
            {
                extra.Dispose();
            }

            throw new PkiException(PkiError.MalformedPackage, $"'{source}' holds {collection.Count} certificates; expected exactly one.");
        }

        return collection[0];
    }

    [GeneratedRegex("^agg_to_col_(.+)_signed_cert\\.zip$", RegexOptions.CultureInvariant)]
    private static partial Regex SignedFileNamePattern();
}
