namespace Confer.Pki.Tests;

public class AggregatorCertificateValidatorTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Validate_LocalhostCertificate_AcceptsEveryLoopbackName(string dialled)
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        using var certificate = federation.AggregatorCertificate("localhost");

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, dialled);

        Assert.True(result.IsAccepted, result.Message);
    }

    [Fact]
    public void Validate_IpLiteralCertificate_AcceptsTheAddress()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("10.1.2.3");
        using var certificate = federation.AggregatorCertificate("10.1.2.3");

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, "10.1.2.3");

        Assert.True(result.IsAccepted, result.Message);
    }

    [Fact]
    public void Validate_DialledAnotherHost_RefusesAsHostNameMismatch()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("agg.example.org");
        using var certificate = federation.AggregatorCertificate("agg.example.org");

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, "evil.example.org");

        Assert.Equal(CertificateValidationStatus.HostNameMismatch, result.Status);
        Assert.Contains("'evil.example.org'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AggregatorOfAnotherFederation_RefusesAsUntrustedIssuer()
    {
        using var federation = TestFederation.Create();
        using var other = TestFederation.Create();
        other.CertifyAggregator("localhost");
        using var certificate = other.AggregatorCertificate("localhost");

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, "localhost");

        Assert.Equal(CertificateValidationStatus.UntrustedIssuer, result.Status);
    }

    [Fact]
    public void Validate_CollaboratorCertificateAsServer_RefusesAsWrongUsage()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, "alpha");

        Assert.Equal(CertificateValidationStatus.WrongUsage, result.Status);
    }

    [Fact]
    public void Validate_Expired_RefusesAsExpired()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        using var certificate = federation.AggregatorCertificate("localhost");
        federation.Time.Advance(TimeSpan.FromDays(400));

        var result = new AggregatorCertificateValidator(federation.Ca.Trust, federation.Time).Validate(certificate, "localhost");

        Assert.Equal(CertificateValidationStatus.Expired, result.Status);
    }
}
