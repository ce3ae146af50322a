using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Confer.Pki.Tests;

public class CertificateRequestPackageTests
{
    [Fact]
    public void Read_GenuinePackage_ReturnsNameHashAndKey()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");

        var package = CertificateRequestPackage.Read(request.PackagePath!);

        Assert.Equal("alpha", package.CollaboratorName);
        Assert.Equal(request.CsrSha384, package.CsrSha384);
        Assert.Equal("ECDSA P-384", package.KeyDescription);
        Assert.Equal(File.ReadAllText(request.RequestPath), package.CsrPem);
    }

    [Fact]
    public void Read_CsrReplacedButManifestKept_ReportsTheAlteration()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var entries = TestFederation.Unzip(request.PackagePath!);
        entries["col_alpha.csr"] = CreateCsr("CN=alpha");
        var path = Write(federation, "col_alpha_to_agg_cert_request.zip", [.. entries.Select(e => (e.Key, e.Value))]);

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("was altered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certify_CsrAndManifestBothReplaced_IsCaughtByTheOutOfBandHash()
    {
        using var federation = TestFederation.Create();
        var genuine = federation.RequestCollaborator("alpha");

        // An attacker on the way rebuilds a consistent package around their own key.
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        TestFederation.WriteRequestPackage(path, "alpha", CreateCsr("CN=alpha"));
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyCollaborator(path, genuine.CsrSha384));

        Assert.Equal(PkiError.HashMismatch, error.Error);
        Assert.Equal(before, federation.Snapshot());
        Assert.Empty(federation.Ca.ReadDatabase().FindByName(CertificateKind.Collaborator, "alpha"));
    }

    [Fact]
    public void Read_CsrSignatureBroken_RefusesAsMalformed()
    {
        using var federation = TestFederation.Create();
        var pem = Encoding.UTF8.GetString(CreateCsr("CN=alpha"));
        var bytes = Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
        bytes[^5] ^= 0x55; // inside the signature
        var broken = Encoding.ASCII.GetBytes(PemEncoding.WriteString("CERTIFICATE REQUEST", bytes) + "\n");
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        TestFederation.WriteRequestPackage(path, "alpha", broken);

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("signature does not verify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CsrCommonNameDiffersFromPackageName_RefusesWithNameMismatch()
    {
        using var federation = TestFederation.Create();
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        TestFederation.WriteRequestPackage(path, "alpha", CreateCsr("CN=mallory"));

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.NameMismatch, error.Error);
        Assert.Contains("'mallory'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'alpha'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RenamedForAnotherCollaborator_RefusesWithNameMismatch()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var renamed = Path.Combine(federation.Root, "col_beta_to_agg_cert_request.zip");
        File.Copy(request.PackagePath!, renamed);

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(renamed));

        Assert.Equal(PkiError.NameMismatch, error.Error);
    }

    [Theory]
    [InlineData("../col_alpha.csr")]
    [InlineData("/tmp/col_alpha.csr")]
    [InlineData("sub/col_alpha.csr")]
    [InlineData("..\\col_alpha.csr")]
    public void Read_EntryWithPath_RefusesWithoutExtracting(string entryName)
    {
        using var federation = TestFederation.Create();
        var path = Write(federation, "col_alpha_to_agg_cert_request.zip", ("manifest.json", Manifest("alpha")), (entryName, CreateCsr("CN=alpha")));

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("not a plain file name", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(federation.Root, "col_alpha.csr")));
    }

    [Fact]
    public void Read_OversizedEntry_Refuses()
    {
        using var federation = TestFederation.Create();
        var path = Write(federation, "col_alpha_to_agg_cert_request.zip", ("manifest.json", Manifest("alpha")), ("col_alpha.csr", new byte[200_000]));

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("larger than 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OversizedFile_Refuses()
    {
        using var federation = TestFederation.Create();
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(2 * 1024 * 1024));

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("more than the 1048576 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAZip_Refuses()
    {
        using var federation = TestFederation.Create();
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        File.WriteAllText(path, "this is not a zip archive");

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("not a valid zip archive", error.Message, StringComparison.Ordinal);
        Assert.Contains("generate-cert-request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExtraEntry_Refuses()
    {
        using var federation = TestFederation.Create();
        var request = federation.RequestCollaborator("alpha");
        var entries = TestFederation.Unzip(request.PackagePath!);
        var path = Write(federation, "col_alpha_to_agg_cert_request.zip", [.. entries.Select(e => (e.Key, e.Value)), ("col_alpha.key", Encoding.UTF8.GetBytes("-----BEGIN PRIVATE KEY-----"))]);

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Contains("unexpected entry 'col_alpha.key'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ManifestNotJson_Refuses()
    {
        using var federation = TestFederation.Create();
        var path = Write(federation, "col_alpha_to_agg_cert_request.zip", ("manifest.json", Encoding.UTF8.GetBytes("{ not json")), ("col_alpha.csr", CreateCsr("CN=alpha")));

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.MalformedPackage, error.Error);
        Assert.Contains("unreadable manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_SaysItDoesNotExist()
    {
        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "col_x_to_agg_cert_request.zip")));

        Assert.Equal(PkiError.NotFound, error.Error);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WeakRsaKey_RefusesWithWeakKey()
    {
        using var federation = TestFederation.Create();
        using var rsa = RSA.Create(2048);
        var csr = Encoding.UTF8.GetBytes(new CertificateRequest("CN=alpha", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem());
        var path = Path.Combine(federation.Root, "col_alpha_to_agg_cert_request.zip");
        TestFederation.WriteRequestPackage(path, "alpha", csr);

        var error = Assert.Throws<PkiException>(() => CertificateRequestPackage.Read(path));

        Assert.Equal(PkiError.WeakKey, error.Error);
        Assert.Contains("RSA-2048", error.Message, StringComparison.Ordinal);
    }

    private static byte[] CreateCsr(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        return Encoding.UTF8.GetBytes(new CertificateRequest(subject, key, HashAlgorithmName.SHA384).CreateSigningRequestPem() + "\n");
    }

    private static byte[] Manifest(string name) =>
        Encoding.UTF8.GetBytes($$"""{"format":"confer.cert-request/1","name":"{{name}}","csrFile":"col_{{name}}.csr","csrSha384":"00"}""");

    private static string Write(TestFederation federation, string fileName, params (string Name, byte[] Content)[] entries)
    {
        var path = Path.Combine(federation.Root, fileName);
        File.WriteAllBytes(path, TestFederation.Zip(entries));
        return path;
    }
}
