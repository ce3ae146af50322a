using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Tests;

public class AggregatorCertificatesTests
{
    [Fact]
    public void GenerateRequest_Fqdn_WritesOwnerOnlyKeyAndCsrWithTheFqdn()
    {
        using var federation = TestFederation.Create();

        var result = AggregatorCertificates.GenerateRequest(federation.AggregatorWorkspace, "Agg.Example.org");

        Assert.Equal("agg.example.org", result.Name);
        Assert.Equal(federation.AggregatorPaths.AggregatorKey("agg.example.org"), result.KeyPath);
        Assert.EndsWith(Path.Combine("cert", "server", "agg_agg.example.org.key"), result.KeyPath, StringComparison.Ordinal);
        Assert.Null(result.PackagePath);
        Assert.Equal([result.KeyPath, result.RequestPath], result.FilesWritten);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.KeyPath));
        }

        var csr = CertificateRequest.LoadSigningRequestPem(File.ReadAllText(result.RequestPath), System.Security.Cryptography.HashAlgorithmName.SHA384, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=agg.example.org", csr.SubjectName.Name);
        Assert.Contains(csr.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames(), n => n == "agg.example.org");
    }

    [Fact]
    public void CertifyAggregator_Fqdn_IssuesServerCertificateWithSanAndNoCaFlag()
    {
        using var federation = TestFederation.Create();

        var issued = federation.CertifyAggregator("agg.example.org");

        using var certificate = federation.AggregatorCertificate("agg.example.org");
        Assert.Equal(federation.AggregatorPaths.AggregatorCertificate("agg.example.org"), issued.CertificatePath);
        Assert.Equal("CN=agg.example.org", certificate.Subject);
        Assert.Equal(["agg.example.org"], certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(federation.Ca.Trust.SigningCa.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier, Convert.ToHexString(aki.KeyIdentifier!.Value.Span));
        Assert.NotNull(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());
        Assert.Equal(TestFederation.Start.AddDays(365), new DateTimeOffset(certificate.NotAfter));
        Assert.Equal(CertificateKind.Aggregator, federation.Ca.ReadDatabase().FindBySerialNumber(issued.Record.SerialNumber)!.Kind);
    }

    [Fact]
    public void CertifyAggregator_Localhost_AddsLoopbackAddresses()
    {
        using var federation = TestFederation.Create();

        federation.CertifyAggregator("localhost");

        using var certificate = federation.AggregatorCertificate("localhost");
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
    }

    [Fact]
    public void CertifyAggregator_IpLiteral_PutsTheAddressInSan()
    {
        using var federation = TestFederation.Create();

        federation.CertifyAggregator("10.1.2.3");

        using var certificate = federation.AggregatorCertificate("10.1.2.3");
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Empty(san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.1.2.3")], san.EnumerateIPAddresses());
    }

    [Fact]
    public void CertifyAggregator_NoRequest_SaysToGenerateOne()
    {
        using var federation = TestFederation.Create();

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyAggregator("agg.example.org"));

        Assert.Equal(PkiError.RequestMissing, error.Error);
        Assert.Contains("confer aggregator generate-cert-request --fqdn agg.example.org", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertifyAggregator_Twice_RefusesUnlessForced()
    {
        using var federation = TestFederation.Create();
        var first = federation.CertifyAggregator("localhost");
        var before = federation.Snapshot();

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyAggregator("localhost"));
        Assert.Equal(PkiError.AlreadyCertified, error.Error);
        Assert.Equal(before, federation.Snapshot());

        var second = federation.Ca.CertifyAggregator("localhost", force: true);
        Assert.Equal(first.Record.SerialNumber, Assert.Single(second.Superseded).SerialNumber);
    }

    [Fact]
    public void GenerateRequest_KeyExists_RefusesUnlessForced()
    {
        using var federation = TestFederation.Create();
        var first = AggregatorCertificates.GenerateRequest(federation.AggregatorWorkspace, "localhost");
        var key = File.ReadAllText(first.KeyPath);

        var error = Assert.Throws<PkiException>(() => AggregatorCertificates.GenerateRequest(federation.AggregatorWorkspace, "localhost"));
        Assert.Equal(PkiError.KeyAlreadyExists, error.Error);
        Assert.Equal(key, File.ReadAllText(first.KeyPath));

        AggregatorCertificates.GenerateRequest(federation.AggregatorWorkspace, "localhost", force: true);
        Assert.NotEqual(key, File.ReadAllText(first.KeyPath));
    }

    [Fact]
    public void CertifyAggregator_CsrForAnotherFqdn_RefusesWithNameMismatch()
    {
        using var federation = TestFederation.Create();
        AggregatorCertificates.GenerateRequest(federation.AggregatorWorkspace, "other.example.org");
        File.Copy(federation.AggregatorPaths.AggregatorRequest("other.example.org"), federation.AggregatorPaths.AggregatorRequest("agg.example.org"));

        var error = Assert.Throws<PkiException>(() => federation.Ca.CertifyAggregator("agg.example.org"));

        Assert.Equal(PkiError.NameMismatch, error.Error);
        Assert.Contains("'other.example.org'", error.Message, StringComparison.Ordinal);
    }
}
