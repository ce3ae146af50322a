using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Tests;

public class CertificateAuthorityTests
{
    [Fact]
    public void Create_NewWorkspace_WritesRootSigningChainDatabaseAndCrlAtOpenFlPaths()
    {
        using var federation = TestFederation.Create();
        var paths = federation.AggregatorPaths;

        foreach (var file in new[] { paths.RootCaCertificate, paths.RootCaKey, paths.SigningCaCertificate, paths.SigningCaKey, paths.Database, paths.RevocationList, paths.CertChain })
        {
            Assert.True(File.Exists(file), $"{file} was not written");
        }

        Assert.EndsWith(Path.Combine("cert", "cert_chain.crt"), paths.CertChain, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("cert", "ca", "root_ca", "private", "root_ca.key"), paths.RootCaKey, StringComparison.Ordinal);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(File.ReadAllText(paths.CertChain));
        Assert.Equal(2, chain.Count);
        Assert.Equal(federation.Ca.Trust.SigningCa.Thumbprint, chain[0].Thumbprint);
        Assert.Equal(federation.Ca.Trust.Root.Thumbprint, chain[1].Thumbprint);

        var database = federation.Ca.ReadDatabase();
        Assert.Equal(2, database.Certificates.Length);
        Assert.All(database.Certificates, r => Assert.Equal(CertificateKind.Ca, r.Kind));
        Assert.Equal(1, database.CrlNumber);
    }

    [Fact]
    public void Create_Default_UsesEcdsaP384AndSha384WithCaExtensions()
    {
        using var federation = TestFederation.Create();
        var root = federation.Ca.Trust.Root;
        var signing = federation.Ca.Trust.SigningCa;

        foreach (var certificate in new[] { root, signing })
        {
            using var key = certificate.GetECDsaPublicKey();
            Assert.NotNull(key);
            Assert.Equal(384, key.KeySize);
            Assert.Equal("1.2.840.10045.4.3.3", certificate.SignatureAlgorithm.Value); // ecdsa-with-SHA384
            var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
            Assert.True(usage.Critical);
            Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        }

        var rootConstraints = root.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(rootConstraints.CertificateAuthority);
        Assert.True(rootConstraints.Critical);
        Assert.Equal(1, rootConstraints.PathLengthConstraint);
        var signingConstraints = signing.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(signingConstraints.CertificateAuthority);
        Assert.Equal(0, signingConstraints.PathLengthConstraint);

        var rootSki = root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        var signingAki = signing.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(rootSki.SubjectKeyIdentifier, Convert.ToHexString(signingAki.KeyIdentifier!.Value.Span));
        Assert.Equal(root.Subject, signing.Issuer);
        Assert.Equal(TestFederation.Start.AddDays(3650), new DateTimeOffset(root.NotAfter));
        Assert.Equal(TestFederation.Start.AddDays(1825), new DateTimeOffset(signing.NotAfter));
    }

    [Fact]
    public void Create_Keys_AreOwnerOnlyInOwnerOnlyFolders()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var federation = TestFederation.Create();
        var paths = federation.AggregatorPaths;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.RootCaKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.SigningCaKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(paths.CaDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(paths.RootCaKey)!));
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(paths.RootCaKey), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(paths.CertDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Create_Twice_RefusesAndKeepsTheExistingCa()
    {
        using var federation = TestFederation.Create();
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => CertificateAuthority.Create(federation.AggregatorWorkspace, timeProvider: federation.Time));

        Assert.Equal(PkiError.CaAlreadyExists, error.Error);
        Assert.Contains("invalidate every certificate", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());
    }

    [Fact]
    public void Create_InCollaboratorWorkspace_RefusesAndKeepsTheImportedChain()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => CertificateAuthority.Create(federation.CollaboratorWorkspace("alpha"), timeProvider: federation.Time));

        Assert.Equal(PkiError.TrustConflict, error.Error);
        Assert.Contains("aggregator's workspace", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());
    }

    [Fact]
    public void Open_WorkspaceWithoutCa_SaysToRunWorkspaceCertify()
    {
        var workspace = TestFederation.NewTempDirectory();
        try
        {
            var error = Assert.Throws<PkiException>(() => CertificateAuthority.Open(workspace));

            Assert.Equal(PkiError.CaMissing, error.Error);
            Assert.Contains("confer workspace certify", error.Message, StringComparison.Ordinal);
            Assert.False(CertificateAuthority.Exists(workspace));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void Open_ExistingCa_SignsWithTheSameCa()
    {
        using var federation = TestFederation.Create();
        using var reopened = CertificateAuthority.Open(federation.AggregatorWorkspace, timeProvider: federation.Time);
        var request = federation.RequestCollaborator("alpha");

        var issued = reopened.CertifyCollaborator(request.PackagePath!, request.CsrSha384);

        Assert.Equal(federation.Ca.Trust.RootFingerprintSha256, reopened.Trust.RootFingerprintSha256);
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(issued.CertificatePath));
        Assert.Equal(federation.Ca.Trust.SigningCa.Subject, certificate.Issuer);
    }

    [Fact]
    public void Open_RootKeyMovedOffline_StillIssues()
    {
        using var federation = TestFederation.Create();
        File.Delete(federation.AggregatorPaths.RootCaKey);
        using var reopened = CertificateAuthority.Open(federation.AggregatorWorkspace, timeProvider: federation.Time);
        var request = federation.RequestCollaborator("alpha");

        var issued = reopened.CertifyCollaborator(request.PackagePath!);

        Assert.Equal("alpha", issued.Record.Name);
        Assert.True(CertificateAuthority.Exists(federation.AggregatorWorkspace));
    }

    [Fact]
    public void Create_Rsa3072Option_UsesRsa3072WithSha384AndSignsEcdsaCollaborators()
    {
        using var federation = TestFederation.Create(KeyAlgorithm.Rsa3072);

        foreach (var certificate in new[] { federation.Ca.Trust.Root, federation.Ca.Trust.SigningCa })
        {
            using var key = certificate.GetRSAPublicKey();
            Assert.NotNull(key);
            Assert.Equal(3072, key.KeySize);
            Assert.Equal("1.2.840.113549.1.1.12", certificate.SignatureAlgorithm.Value); // sha384WithRSAEncryption
        }

        federation.EnrollCollaborator("alpha");
        using var collaborator = federation.CollaboratorCertificate("alpha");
        Assert.Equal("1.2.840.113549.1.1.12", collaborator.SignatureAlgorithm.Value);
        Assert.True(federation.CreateValidator().Validate(collaborator, "alpha", ["alpha"]).IsAccepted);
        Assert.Contains("BEGIN X509 CRL", File.ReadAllText(federation.AggregatorPaths.RevocationList), StringComparison.Ordinal);
    }

    [Fact]
    public void RevokeCollaborator_Certified_MarksDatabaseAndListsSerialInCrl()
    {
        using var federation = TestFederation.Create();
        var (_, issued, _) = federation.EnrollCollaborator("alpha");
        federation.EnrollCollaborator("beta");
        federation.Time.Advance(TimeSpan.FromHours(1));

        var revoked = federation.Ca.RevokeCollaborator("alpha");

        var record = Assert.Single(revoked);
        Assert.Equal(issued.Record.SerialNumber, record.SerialNumber);
        var database = federation.Ca.ReadDatabase();
        var stored = database.FindBySerialNumber(issued.Record.SerialNumber)!;
        Assert.True(stored.Revoked);
        Assert.Equal(TestFederation.Start.AddHours(1), stored.RevokedAt);
        Assert.All(database.FindByName(CertificateKind.Collaborator, "beta"), r => Assert.False(r.Revoked));

        var crl = CertificateRevocationListBuilder.LoadPem(File.ReadAllText(federation.AggregatorPaths.RevocationList), out BigInteger crlNumber);
        Assert.Equal(new BigInteger(2), crlNumber);
        Assert.True(crl.RemoveEntry(Convert.FromHexString(issued.Record.SerialNumber)), "the revoked serial is not in the CRL");
        Assert.False(crl.RemoveEntry(Convert.FromHexString(database.FindByName(CertificateKind.Collaborator, "beta").Single().SerialNumber)));
    }

    [Fact]
    public void RevokeCollaborator_UnknownName_RefusesAndChangesNothing()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => federation.Ca.RevokeCollaborator("gamma"));

        Assert.Equal(PkiError.NotFound, error.Error);
        Assert.Contains("'gamma'", error.Message, StringComparison.Ordinal);
        Assert.Contains("alpha", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());
    }

    [Fact]
    public void CertifyCollaborator_AfterRevoke_IssuesANewCertificate()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        federation.Ca.RevokeCollaborator("alpha");
        var request = CollaboratorCertificates.GenerateRequest(federation.CollaboratorWorkspace("alpha"), "alpha", force: true);

        var issued = federation.Ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384);

        Assert.Empty(issued.Superseded);
        Assert.Equal(2, federation.Ca.ReadDatabase().FindByName(CertificateKind.Collaborator, "alpha").Count());
    }

    [Fact]
    public void CertifyCollaborator_Twice_RefusesUnlessForcedAndForceRevokesThePrevious()
    {
        using var federation = TestFederation.Create();
        var (request, first, _) = federation.EnrollCollaborator("alpha");
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384));
        Assert.Equal(PkiError.AlreadyCertified, error.Error);
        Assert.Contains("confer collaborator revoke -n alpha", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());

        var second = federation.Ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384, force: true);

        Assert.Equal(first.Record.SerialNumber, Assert.Single(second.Superseded).SerialNumber);
        Assert.True(federation.Ca.ReadDatabase().FindBySerialNumber(first.Record.SerialNumber)!.Revoked);
        Assert.False(federation.Ca.ReadDatabase().FindBySerialNumber(second.Record.SerialNumber)!.Revoked);
    }

    [Fact]
    public void CertifyCollaborator_KeyAlreadyCertifiedForAnotherName_Refuses()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        var workspace = federation.CollaboratorWorkspace("alpha");
        var paths = new CertificatePaths(workspace);

        // Re-use alpha's key for a request named beta, the way a careless copy of a workspace would.
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(paths.CollaboratorKey("alpha")));
        var csr = TestFederation.Utf8(new CertificateRequest("CN=beta", key, HashAlgorithmName.SHA384).CreateSigningRequestPem() + "\n");
        var packagePath = Path.Combine(federation.Root, "col_beta_to_agg_cert_request.zip");
        TestFederation.WriteRequestPackage(packagePath, "beta", csr);

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyCollaborator(packagePath));

        Assert.Equal(PkiError.KeyReused, error.Error);
        Assert.Contains("'alpha'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertifyCollaborator_ConfirmedHashDiffers_RefusesAndChangesNothing()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var before = federation.Snapshot();
        var wrong = new string('0', 96);

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyCollaborator(request.PackagePath!, wrong));

        Assert.Equal(PkiError.HashMismatch, error.Error);
        Assert.Contains(request.CsrSha384, error.Message, StringComparison.Ordinal);
        Assert.Contains(wrong, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());
        Assert.False(File.Exists(Path.Combine(federation.AggregatorWorkspace, "agg_to_col_alpha_signed_cert.zip")));
    }

    [Fact]
    public void CertifyCollaborator_HashPastedWithColonsAndUpperCase_IsAccepted()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var pasted = string.Join(':', request.CsrSha384.ToUpperInvariant().Chunk(2).Select(c => new string(c)));

        var issued = federation.Ca.CertifyCollaborator(request.PackagePath!, pasted);

        Assert.Equal(request.CsrSha384, issued.CsrSha384);
    }

    [Fact]
    public void CertifyCollaborator_WithoutCa_SaysToRunWorkspaceCertify()
    {
        var root = TestFederation.NewTempDirectory();
        try
        {
            var request = CollaboratorCertificates.GenerateRequest(Path.Combine(root, "col"), "alpha");

            var error = Assert.Throws<PkiException>(() =>
            {
                using var ca = CertificateAuthority.Open(Path.Combine(root, "agg"));
                ca.CertifyCollaborator(request.PackagePath!);
            });

            Assert.Equal(PkiError.CaMissing, error.Error);
            Assert.Contains("confer workspace certify", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void CertifyCollaborator_SignedCaExpired_Refuses()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        federation.Time.Advance(TimeSpan.FromDays(1826));

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyCollaborator(request.PackagePath!));

        Assert.Equal(PkiError.CaInvalid, error.Error);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertifyCollaborator_NearSigningCaExpiry_CapsValidityAtTheCa()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        federation.Time.Advance(TimeSpan.FromDays(1800));

        var issued = federation.Ca.CertifyCollaborator(request.PackagePath!);

        Assert.Equal(new DateTimeOffset(federation.Ca.Trust.SigningCa.NotAfter), issued.Record.NotAfter);
    }
}
