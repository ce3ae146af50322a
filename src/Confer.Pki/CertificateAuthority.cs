using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// The federation's certificate authority in the aggregator's workspace: a root CA, a signing CA
/// under it that issues the aggregator's and the collaborators' certificates, and the database of
/// what was issued and revoked. <see cref="Create"/> is <c>confer workspace certify</c>;
/// <see cref="CertifyAggregator"/>, <see cref="CertifyCollaborator(CertificateRequestPackage, string?, string?, bool)"/>
/// and <see cref="RevokeCollaborator"/> are <c>confer aggregator certify</c>,
/// <c>confer collaborator certify --request-pkg</c> and <c>confer collaborator revoke</c>.
/// Every operation checks all its inputs before writing anything; a refused operation changes nothing.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private readonly CertificateAuthorityOptions _options;
    private readonly TimeProvider _timeProvider;

    private CertificateAuthority(CertificatePaths paths, FederationTrust trust, CertificateAuthorityOptions options, TimeProvider timeProvider)
    {
        Paths = paths;
        Trust = trust;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Where the workspace's certificate files are.</summary>
    public CertificatePaths Paths { get; }

    /// <summary>The root and signing CA certificates (public parts only; the keys are read from disk when needed and not kept).</summary>
    public FederationTrust Trust { get; }

    /// <summary>Whether the workspace has a certificate authority, or any part of one.</summary>
    /// <param name="workspaceDirectory">The workspace folder.</param>
    /// <returns><see langword="true"/> when any CA file exists.</returns>
    public static bool Exists(string workspaceDirectory)
    {
        var paths = new CertificatePaths(workspaceDirectory);
        return CaFiles(paths).Any(File.Exists);
    }

    /// <summary>
    /// Creates the federation's CA in <c>cert/ca/</c> (<c>confer workspace certify</c>): the root CA and
    /// signing CA certificates and keys, the certificate database, an empty CRL, and <c>cert/cert_chain.crt</c>.
    /// </summary>
    /// <param name="workspaceDirectory">The aggregator's workspace folder.</param>
    /// <param name="options">Key algorithm and validity periods; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The new CA.</returns>
    /// <exception cref="PkiException">The workspace already has a CA (<see cref="PkiError.CaAlreadyExists"/>) or trusts an imported one (<see cref="PkiError.TrustConflict"/>).</exception>
    public static CertificateAuthority Create(string workspaceDirectory, CertificateAuthorityOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new CertificateAuthorityOptions();
        options.Validate();
        timeProvider ??= TimeProvider.System;
        var paths = new CertificatePaths(workspaceDirectory);
        var existing = CaFiles(paths).Where(File.Exists).ToList();
        if (existing.Count > 0)
        {
            throw new PkiException(
                PkiError.CaAlreadyExists,
                $"The workspace already has a certificate authority ({string.Join(", ", existing)}). Creating another would invalidate every certificate it issued; "
                + $"to start over on purpose, delete '{paths.CaDirectory}' and '{paths.CertChain}' and certify every node again.");
        }

        if (File.Exists(paths.CertChain))
        {
            throw new PkiException(
                PkiError.TrustConflict,
                $"The workspace already trusts a federation CA through '{paths.CertChain}' (imported by `confer collaborator certify --import`). "
                + "Create the federation's CA in the aggregator's workspace instead; a collaborator's workspace never holds one.");
        }

        var now = timeProvider.GetUtcNow();
        var notBefore = now - options.ClockSkewAllowance;
        var federationId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var rootKey = KeyMaterial.Generate(options.KeyAlgorithm);
        using var signingKey = KeyMaterial.Generate(options.KeyAlgorithm);
        using var root = CertificateFactory.CreateRoot(CertificateFactory.CaName("Confer Root CA", options.Organization, federationId), rootKey, notBefore, now + options.RootValidity);
        var signingNotAfter = Min(now + options.SigningCaValidity, new DateTimeOffset(root.NotAfter));
        var signingName = CertificateFactory.CaName("Confer Signing CA", options.Organization, federationId);
        var signingPublicKey = KeyMaterial.CreateRequest(signingName, signingKey).PublicKey;
        using var signing = CertificateFactory.CreateSigningCa(signingName, signingPublicKey, root, rootKey, notBefore, signingNotAfter);

        SecureFile.CreateDirectory(paths.CertDirectory, isPrivate: false);
        SecureFile.CreateDirectory(paths.CaDirectory, isPrivate: true);
        SecureFile.CreateDirectory(Path.GetDirectoryName(paths.RootCaKey)!, isPrivate: true);
        SecureFile.CreateDirectory(Path.GetDirectoryName(paths.SigningCaKey)!, isPrivate: true);
        SecureFile.WriteAllText(paths.RootCaKey, KeyMaterial.ExportPrivateKeyPem(rootKey), SecureFile.PrivateMode);
        SecureFile.WriteAllText(paths.SigningCaKey, KeyMaterial.ExportPrivateKeyPem(signingKey), SecureFile.PrivateMode);
        SecureFile.WriteAllText(paths.RootCaCertificate, root.ExportCertificatePem() + "\n", SecureFile.PublicMode);
        SecureFile.WriteAllText(paths.SigningCaCertificate, signing.ExportCertificatePem() + "\n", SecureFile.PublicMode);
        var trust = FederationTrust.Parse(signing.ExportCertificatePem() + "\n" + root.ExportCertificatePem(), paths.SigningCaCertificate);
        SecureFile.WriteAllText(paths.CertChain, trust.ExportPem(), SecureFile.PublicMode);

        var database = CertificateDatabase.Empty.With([CreateRecord(CertificateKind.Ca, "Confer Root CA", root), CreateRecord(CertificateKind.Ca, "Confer Signing CA", signing)], crlNumber: 0);
        var authority = new CertificateAuthority(paths, trust, options, timeProvider);
        database = authority.WriteRevocationList(database, signingKey, now);
        database.Save(paths.Database);
        return authority;
    }

    /// <summary>Opens the CA of a workspace created by <see cref="Create"/>.</summary>
    /// <param name="workspaceDirectory">The aggregator's workspace folder.</param>
    /// <param name="options">Validity periods for the certificates it issues; defaults when <see langword="null"/>. The key algorithm is the CA's own.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The CA.</returns>
    /// <exception cref="PkiException">The workspace has no CA (<see cref="PkiError.CaMissing"/>) or its files do not fit together (<see cref="PkiError.CaInvalid"/>).</exception>
    public static CertificateAuthority Open(string workspaceDirectory, CertificateAuthorityOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new CertificateAuthorityOptions();
        options.Validate();
        var paths = new CertificatePaths(workspaceDirectory);
        // The root key is not needed after creation, and operators may keep it offline.
        var missing = CaFiles(paths).Where(p => p != paths.RootCaKey && !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new PkiException(
                PkiError.CaMissing,
                $"The workspace '{paths.WorkspaceDirectory}' has no certificate authority (missing {string.Join(", ", missing)}). Run `confer workspace certify` in the aggregator's workspace first.");
        }

        FederationTrust trust;
        try
        {
            trust = FederationTrust.Parse(File.ReadAllText(paths.SigningCaCertificate) + "\n" + File.ReadAllText(paths.RootCaCertificate), paths.CaDirectory);
        }
        catch (PkiException ex)
        {
            throw new PkiException(PkiError.CaInvalid, $"The certificate authority in '{paths.CaDirectory}' is damaged: {ex.Message}", ex);
        }

        return new CertificateAuthority(paths, trust, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Reads the current certificate database.</summary>
    /// <returns>A snapshot of every certificate issued.</returns>
    public CertificateDatabase ReadDatabase() => CertificateDatabase.Load(Paths.Database);

    /// <summary>
    /// Signs the aggregator's CSR at <c>cert/server/agg_FQDN.csr</c> (<c>confer aggregator certify --fqdn FQDN</c>)
    /// and writes <c>cert/server/agg_FQDN.crt</c>: server authentication, the FQDN in the subject alternative names
    /// (with 127.0.0.1 and ::1 for <c>localhost</c>).
    /// </summary>
    /// <param name="fqdn">The aggregator's FQDN or IP address, as given to <see cref="AggregatorCertificates.GenerateRequest"/>.</param>
    /// <param name="force">Issue even when a valid certificate for this FQDN exists; the old one is revoked.</param>
    /// <returns>The issued certificate.</returns>
    /// <exception cref="PkiException">The CSR is missing or invalid, or a certificate is already in force and <paramref name="force"/> is not set.</exception>
    public IssuedCertificate CertifyAggregator(string fqdn, bool force = false)
    {
        var name = PkiNames.NormalizeAggregatorFqdn(fqdn);
        var requestPath = Paths.AggregatorRequest(name);
        if (!File.Exists(requestPath))
        {
            throw new PkiException(PkiError.RequestMissing, $"There is no aggregator certificate request at '{requestPath}'. Run `confer aggregator generate-cert-request --fqdn {name}` first.");
        }

        var pemBytes = SecureFile.ReadBounded(requestPath, PackageArchive.MaxEntryBytes, "Certificate signing request");
        var pem = System.Text.Encoding.UTF8.GetString(pemBytes);
        var request = SigningRequestParser.Parse(pem, requestPath, PkiError.RequestMissing);
        SigningRequestParser.RequireCommonName(request, name, requestPath);
        KeyMaterial.CheckStrength(request.PublicKey, $"aggregator '{name}'");
        return Issue(CertificateKind.Aggregator, name, request.PublicKey, Hashes.Sha384Hex(pemBytes), Paths.AggregatorCertificate(name), signedPackagePath: null, force);
    }

    /// <summary>
    /// Signs a collaborator's request package (<c>confer collaborator certify --request-pkg PATH</c>): writes
    /// <c>cert/client/col_NAME.crt</c> on this side and <c>agg_to_col_NAME_signed_cert.zip</c> (the certificate
    /// and <c>cert_chain.crt</c>) to send back.
    /// </summary>
    /// <param name="package">The package, read with <see cref="CertificateRequestPackage.Read"/>.</param>
    /// <param name="confirmedCsrSha384">The CSR hash the collaborator's operator confirmed out of band; when given, a package whose CSR hashes differently is refused. <see langword="null"/> skips the check (OpenFL's <c>--silent</c>).</param>
    /// <param name="outputDirectory">Where to write the signed package; the workspace folder when <see langword="null"/>.</param>
    /// <param name="force">Issue even when a valid certificate for this collaborator exists; the old one is revoked.</param>
    /// <returns>The issued certificate, with <see cref="IssuedCertificate.SignedPackagePath"/>.</returns>
    /// <exception cref="PkiException">The hash differs, the collaborator already has a certificate in force, or the key was certified for another name.</exception>
    public IssuedCertificate CertifyCollaborator(CertificateRequestPackage package, string? confirmedCsrSha384 = null, string? outputDirectory = null, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (confirmedCsrSha384 is not null && Hashes.Normalize(confirmedCsrSha384) != package.CsrSha384)
        {
            throw new PkiException(
                PkiError.HashMismatch,
                $"The CSR in '{package.PackagePath}' has SHA-384 {package.CsrSha384}, but the confirmed hash is {confirmedCsrSha384.Trim()}. Nothing was signed. "
                + $"The package may have been altered on its way: ask the operator of collaborator '{package.CollaboratorName}' to read out the hash `confer collaborator generate-cert-request` printed, over a channel you trust.");
        }

        var output = Path.GetFullPath(outputDirectory ?? Paths.WorkspaceDirectory);
        return Issue(
            CertificateKind.Collaborator,
            package.CollaboratorName,
            package.Request.PublicKey,
            package.CsrSha384,
            Paths.CollaboratorCertificate(package.CollaboratorName),
            Path.Combine(output, CertificatePaths.SignedPackageFileName(package.CollaboratorName)),
            force);
    }

    /// <summary>Reads a request package and signs it; see <see cref="CertifyCollaborator(CertificateRequestPackage, string?, string?, bool)"/>.</summary>
    /// <param name="requestPackagePath">The <c>col_NAME_to_agg_cert_request.zip</c> file.</param>
    /// <param name="confirmedCsrSha384">The CSR hash confirmed out of band, or <see langword="null"/> to skip the check.</param>
    /// <param name="outputDirectory">Where to write the signed package; the workspace folder when <see langword="null"/>.</param>
    /// <param name="force">Issue even when a valid certificate for this collaborator exists; the old one is revoked.</param>
    /// <returns>The issued certificate.</returns>
    /// <exception cref="PkiException">The package is malformed or any check of the other overload fails.</exception>
    public IssuedCertificate CertifyCollaborator(string requestPackagePath, string? confirmedCsrSha384 = null, string? outputDirectory = null, bool force = false) =>
        CertifyCollaborator(CertificateRequestPackage.Read(requestPackagePath), confirmedCsrSha384, outputDirectory, force);

    /// <summary>
    /// Revokes every unrevoked certificate of a collaborator (<c>confer collaborator revoke -n NAME</c>), in the
    /// database and in <c>cert/ca/signing_ca.crl</c>. A running aggregator refuses the collaborator from its next call on.
    /// </summary>
    /// <param name="name">The collaborator label.</param>
    /// <returns>The records as revoked.</returns>
    /// <exception cref="PkiException">The collaborator has no unrevoked certificate (<see cref="PkiError.NotFound"/>).</exception>
    public IReadOnlyList<CertificateRecord> RevokeCollaborator(string name)
    {
        PkiNames.ValidateCollaboratorName(name);
        using var databaseLock = DatabaseLock.Acquire(Paths.Database);
        var database = ReadDatabase();
        var targets = database.FindByName(CertificateKind.Collaborator, name).Where(r => !r.Revoked).ToList();
        if (targets.Count == 0)
        {
            var known = database.Certificates.Where(r => r.Kind == CertificateKind.Collaborator && !r.Revoked).Select(r => r.Name).Distinct().Order(StringComparer.Ordinal).ToList();
            throw new PkiException(
                PkiError.NotFound,
                $"Collaborator '{name}' has no unrevoked certificate in '{Paths.Database}'; nothing was revoked. "
                + (known.Count == 0 ? "No collaborator holds one." : $"Collaborators holding one: {string.Join(", ", known)}."));
        }

        var now = _timeProvider.GetUtcNow();
        var revoked = targets.Select(r => r with { Revoked = true, RevokedAt = now }).ToList();
        var updated = database.With(database.Certificates.Select(r => revoked.Find(x => x.SerialNumber == r.SerialNumber) ?? r), database.CrlNumber);
        using (var signingKey = KeyMaterial.LoadPrivateKey(Paths.SigningCaKey))
        {
            updated = WriteRevocationList(updated, signingKey, now);
        }

        updated.Save(Paths.Database);
        return revoked;
    }

    /// <inheritdoc />
    public void Dispose() => Trust.Dispose();

    private static IEnumerable<string> CaFiles(CertificatePaths paths) =>
        [paths.RootCaCertificate, paths.RootCaKey, paths.SigningCaCertificate, paths.SigningCaKey, paths.Database];

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static CertificateRecord CreateRecord(CertificateKind kind, string name, X509Certificate2 certificate) => new()
    {
        SerialNumber = certificate.SerialNumber,
        Kind = kind,
        Name = name,
        Subject = certificate.Subject,
        NotBefore = new DateTimeOffset(certificate.NotBefore).ToUniversalTime(),
        NotAfter = new DateTimeOffset(certificate.NotAfter).ToUniversalTime(),
        FingerprintSha256 = CertificateFactory.FingerprintSha256(certificate),
        PublicKeySha256 = KeyMaterial.PublicKeySha256(certificate.PublicKey),
    };

    private IssuedCertificate Issue(CertificateKind kind, string name, PublicKey publicKey, string csrSha384, string certificatePath, string? signedPackagePath, bool force)
    {
        using var databaseLock = DatabaseLock.Acquire(Paths.Database);
        var database = ReadDatabase();
        var now = _timeProvider.GetUtcNow();
        var signingNotAfter = new DateTimeOffset(Trust.SigningCa.NotAfter).ToUniversalTime();
        if (now >= signingNotAfter)
        {
            throw new PkiException(PkiError.CaInvalid, $"The signing CA expired on {signingNotAfter:u}; it cannot issue certificates. Create a new federation CA with `confer workspace certify` in a fresh workspace.");
        }

        var what = kind == CertificateKind.Aggregator ? "Aggregator" : "Collaborator";
        var inForce = database.FindByName(kind, name).Where(r => r.IsActiveAt(now)).ToList();
        if (inForce.Count > 0 && !force)
        {
            var current = inForce[^1];
            var revokeHint = kind == CertificateKind.Collaborator ? $"revoke it first with `confer collaborator revoke -n {name}`, or " : string.Empty;
            throw new PkiException(
                PkiError.AlreadyCertified,
                $"{what} '{name}' already has certificate {current.SerialNumber}, valid until {current.NotAfter:u}. Nothing was signed. To replace it, {revokeHint}certify again with --force (which revokes it).");
        }

        var publicKeyHash = KeyMaterial.PublicKeySha256(publicKey);
        var reused = database.Certificates.FirstOrDefault(r => r.PublicKeySha256 == publicKeyHash && !(r.Kind == kind && r.Name == name));
        if (reused is not null)
        {
            throw new PkiException(
                PkiError.KeyReused,
                $"The key in this request was already certified for {reused.Kind.ToString().ToLowerInvariant()} '{reused.Name}' (serial {reused.SerialNumber}). One key, one identity: generate a new request for '{name}'.");
        }

        X509Certificate2 certificate;
        using (var signingKey = KeyMaterial.LoadPrivateKey(Paths.SigningCaKey))
        {
            if (!KeyMaterial.Matches(Trust.SigningCa, signingKey))
            {
                throw new PkiException(PkiError.CaInvalid, $"The signing CA key '{Paths.SigningCaKey}' does not belong to '{Paths.SigningCaCertificate}'. Restore the CA folder from a backup.");
            }

            var notAfter = Min(now + _options.NodeValidity, signingNotAfter);
            certificate = CertificateFactory.CreateNode(kind, name, publicKey, Trust.SigningCa, signingKey, now - _options.ClockSkewAllowance, notAfter);
        }

        using (certificate)
        {
            var record = CreateRecord(kind, name, certificate);
            var superseded = inForce.Select(r => r with { Revoked = true, RevokedAt = now }).ToList();
            var certificatePem = certificate.ExportCertificatePem() + "\n";
            var written = new List<string>();

            // Artifacts first, database last: if writing stops half-way, the database still says
            // nothing was issued, and the aggregator refuses a certificate it has no record of.
            if (signedPackagePath is not null)
            {
                SecureFile.WriteAllBytes(signedPackagePath, SignedCertificatePackage.Create(name, certificatePem, Trust, record.SerialNumber), SecureFile.PublicMode);
                written.Add(signedPackagePath);
            }

            SecureFile.CreateDirectory(Path.GetDirectoryName(certificatePath)!, isPrivate: true);
            SecureFile.WriteAllText(certificatePath, certificatePem, SecureFile.PublicMode);
            written.Add(certificatePath);

            var updated = database.With(
                database.Certificates.Select(r => superseded.Find(x => x.SerialNumber == r.SerialNumber) ?? r).Append(record),
                database.CrlNumber);
            if (superseded.Count > 0)
            {
                using var signingKey = KeyMaterial.LoadPrivateKey(Paths.SigningCaKey);
                updated = WriteRevocationList(updated, signingKey, now);
                written.Add(Paths.RevocationList);
            }

            updated.Save(Paths.Database);
            written.Add(Paths.Database);
            return new IssuedCertificate(record, certificatePath, signedPackagePath, csrSha384, superseded, written);
        }
    }

    private CertificateDatabase WriteRevocationList(CertificateDatabase database, AsymmetricAlgorithm signingKey, DateTimeOffset now)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var record in database.Certificates.Where(r => r.Revoked))
        {
            builder.AddEntry(Convert.FromHexString(record.SerialNumber), record.RevokedAt ?? now);
        }

        var crlNumber = database.CrlNumber + 1;
        var aki = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Trust.SigningCa, includeKeyIdentifier: true, includeIssuerAndSerial: false);
        var der = builder.Build(Trust.SigningCa.SubjectName, KeyMaterial.CreateSignatureGenerator(signingKey), new BigInteger(crlNumber), now + TimeSpan.FromDays(30), HashAlgorithmName.SHA384, aki, now);
        SecureFile.WriteAllText(Paths.RevocationList, PemEncoding.WriteString("X509 CRL", der) + "\n", SecureFile.PublicMode);
        return database.With(database.Certificates, crlNumber);
    }
}
