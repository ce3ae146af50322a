using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Tests;

public class CollaboratorCertificatesTests
{
    [Fact]
    public void GenerateRequest_Name_WritesKeyCsrAndPackageWithoutTheKey()
    {
        using var federation = TestFederation.Create();

        var result = federation.RequestCollaborator("alpha");

        var paths = new CertificatePaths(federation.CollaboratorWorkspace("alpha"));
        Assert.Equal(paths.CollaboratorKey("alpha"), result.KeyPath);
        Assert.EndsWith(Path.Combine("cert", "client", "col_alpha.key"), result.KeyPath, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(paths.WorkspaceDirectory, "col_alpha_to_agg_cert_request.zip"), result.PackagePath);
        Assert.Equal(Convert.ToHexStringLower(SHA384.HashData(File.ReadAllBytes(result.RequestPath))), result.CsrSha384);

        var entries = TestFederation.Unzip(result.PackagePath!);
        Assert.Equal(["col_alpha.csr", "manifest.json"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(result.RequestPath), entries["col_alpha.csr"]);
        Assert.All(entries.Values, content => Assert.DoesNotContain("PRIVATE KEY", System.Text.Encoding.UTF8.GetString(content), StringComparison.Ordinal));
        Assert.Contains(result.CsrSha384, System.Text.Encoding.UTF8.GetString(entries["manifest.json"]), StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateRequest_Key_IsOwnerOnlyFromTheStart()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var federation = TestFederation.Create();

        var result = federation.RequestCollaborator("alpha");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.KeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(result.KeyPath)!));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(result.KeyPath)!, "*.tmp"));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("../escape")]
    [InlineData("")]
    public void GenerateRequest_InvalidName_RefusesAndWritesNothing(string name)
    {
        var workspace = TestFederation.NewTempDirectory();
        try
        {
            var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.GenerateRequest(workspace, name));

            Assert.Equal(PkiError.InvalidName, error.Error);
            Assert.Empty(Directory.EnumerateFileSystemEntries(workspace, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void FullWorkflow_RequestSignImport_PlacesCertificateAndChainThatTheAggregatorAccepts()
    {
        using var federation = TestFederation.Create();

        var (request, issued, imported) = federation.EnrollCollaborator("alpha");

        var collaboratorPaths = new CertificatePaths(federation.CollaboratorWorkspace("alpha"));
        Assert.Equal(collaboratorPaths.CollaboratorCertificate("alpha"), imported.CertificatePath);
        Assert.Equal(collaboratorPaths.CertChain, imported.CertChainPath);
        Assert.Equal([imported.CertificatePath, imported.CertChainPath], imported.FilesWritten);
        Assert.Equal(File.ReadAllText(federation.AggregatorPaths.CertChain), File.ReadAllText(imported.CertChainPath));
        Assert.Equal(issued.Record.SerialNumber, imported.SerialNumber);
        Assert.Equal(federation.Ca.Trust.RootFingerprintSha256, imported.RootFingerprintSha256);
        Assert.Equal(request.CsrSha384, issued.CsrSha384);
        Assert.Equal(Path.Combine(federation.AggregatorWorkspace, "agg_to_col_alpha_signed_cert.zip"), issued.SignedPackagePath);
        Assert.Equal(["agg_to_col_alpha_signed_cert.zip", "col_alpha.crt", "certificates.json"], issued.FilesWritten.Select(Path.GetFileName));

        var packageEntries = TestFederation.Unzip(issued.SignedPackagePath!);
        Assert.Equal(["cert_chain.crt", "col_alpha.crt", "manifest.json"], packageEntries.Keys.Order(StringComparer.Ordinal));
        Assert.All(packageEntries.Values, content => Assert.DoesNotContain("PRIVATE KEY", System.Text.Encoding.UTF8.GetString(content), StringComparison.Ordinal));

        using var certificate = federation.CollaboratorCertificate("alpha");
        Assert.Equal("CN=alpha", certificate.Subject);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.Empty(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        var record = federation.Ca.ReadDatabase().FindBySerialNumber(certificate.SerialNumber)!;
        Assert.Equal(CertificateKind.Collaborator, record.Kind);
        Assert.Equal("alpha", record.Name);
        Assert.Equal("CN=alpha", record.Subject);
        Assert.False(record.Revoked);

        using var credential = NodeCredential.LoadCollaborator(federation.CollaboratorWorkspace("alpha"), "alpha");
        Assert.True(credential.Certificate.HasPrivateKey);
        Assert.True(federation.CreateValidator().Validate(credential.Certificate, "alpha", ["alpha"]).IsAccepted);
    }

    [Fact]
    public void Import_CertificateForAnotherKey_RefusesWithKeyMismatchAndWritesNothing()
    {
        using var federation = TestFederation.Create();
        var (_, issued, _) = federation.EnrollCollaborator("alpha");

        // The collaborator generated a fresh key after sending the package: the answer no longer fits.
        CollaboratorCertificates.GenerateRequest(federation.CollaboratorWorkspace("alpha"), "alpha", force: true);
        var paths = new CertificatePaths(federation.CollaboratorWorkspace("alpha"));
        File.Delete(paths.CollaboratorCertificate("alpha"));
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.Import(federation.CollaboratorWorkspace("alpha"), issued.SignedPackagePath!, timeProvider: federation.Time));

        Assert.Equal(PkiError.KeyMismatch, error.Error);
        Assert.Contains("does not match this workspace's private key", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, federation.Snapshot());
    }

    [Fact]
    public void Import_WorkspaceWithoutTheKey_SaysWhereToImport()
    {
        using var federation = TestFederation.Create();
        var (_, issued, _) = federation.EnrollCollaborator("alpha");
        var elsewhere = Path.Combine(federation.Root, "elsewhere");

        var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.Import(elsewhere, issued.SignedPackagePath!));

        Assert.Equal(PkiError.KeyMissing, error.Error);
        Assert.Contains("generate-cert-request -n alpha", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(elsewhere));
    }

    [Fact]
    public void Import_RootFingerprintDiffersFromConfirmed_Refuses()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var issued = federation.Ca.CertifyCollaborator(request.PackagePath!);

        var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.Import(federation.CollaboratorWorkspace("alpha"), issued.SignedPackagePath!, new string('a', 64)));

        Assert.Equal(PkiError.UntrustedChain, error.Error);
        Assert.Contains(federation.Ca.Trust.RootFingerprintSha256, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new CertificatePaths(federation.CollaboratorWorkspace("alpha")).CollaboratorCertificate("alpha")));
    }

    [Fact]
    public void Import_WorkspaceTrustsAnotherFederation_RefusesUnlessForced()
    {
        using var federation = TestFederation.Create();
        using var other = TestFederation.Create();
        var workspace = federation.CollaboratorWorkspace("alpha");
        var request = federation.RequestCollaborator("alpha");
        var fromOther = other.Ca.CertifyCollaborator(request.PackagePath!);
        CollaboratorCertificates.Import(workspace, fromOther.SignedPackagePath!, timeProvider: federation.Time);
        var fromOurs = federation.Ca.CertifyCollaborator(request.PackagePath!);

        var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.Import(workspace, fromOurs.SignedPackagePath!, timeProvider: federation.Time));
        Assert.Equal(PkiError.TrustConflict, error.Error);

        var imported = CollaboratorCertificates.Import(workspace, fromOurs.SignedPackagePath!, force: true, timeProvider: federation.Time);
        Assert.Equal(federation.Ca.Trust.RootFingerprintSha256, imported.RootFingerprintSha256);
        Assert.Equal(File.ReadAllText(federation.AggregatorPaths.CertChain), File.ReadAllText(imported.CertChainPath));
    }

    [Fact]
    public void Import_ChainFromAnotherCa_RefusesUntrustedChain()
    {
        using var federation = TestFederation.Create();
        using var other = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var issued = federation.Ca.CertifyCollaborator(request.PackagePath!);

        // Swap the chain for another federation's: the certificate then chains to nothing included.
        var entries = TestFederation.Unzip(issued.SignedPackagePath!);
        entries["cert_chain.crt"] = File.ReadAllBytes(other.AggregatorPaths.CertChain);
        var forged = Path.Combine(federation.Root, "agg_to_col_alpha_signed_cert.zip");
        File.WriteAllBytes(forged, TestFederation.Zip([.. entries.Select(e => (e.Key, e.Value))]));

        var error = Assert.Throws<PkiException>(() => CollaboratorCertificates.Import(federation.CollaboratorWorkspace("alpha"), forged, timeProvider: federation.Time));

        Assert.Equal(PkiError.UntrustedChain, error.Error);
        Assert.Contains("does not chain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateRequest_Rsa3072_IsSignedAndCarriesKeyEncipherment()
    {
        using var federation = TestFederation.Create();

        federation.EnrollCollaborator("alpha", KeyAlgorithm.Rsa3072);

        using var certificate = federation.CollaboratorCertificate("alpha");
        using var key = certificate.GetRSAPublicKey();
        Assert.Equal(3072, key!.KeySize);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        using var credential = NodeCredential.LoadCollaborator(federation.CollaboratorWorkspace("alpha"), "alpha");
        Assert.True(credential.Certificate.HasPrivateKey);
    }
}
