using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Pki.Tests;

public class CollaboratorCertificateValidatorTests
{
    private static readonly string[] Authorized = ["alpha", "beta"];

    [Fact]
    public void Validate_CertifiedAuthorizedCollaborator_Accepts()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");

        var result = federation.CreateValidator().Validate(certificate, "alpha", Authorized);

        Assert.True(result.IsAccepted, result.Message);
        Assert.Equal(CertificateValidationStatus.Accepted, result.Status);
        Assert.Equal("alpha", result.CommonName);
        Assert.Equal(certificate.SerialNumber, result.SerialNumber);
    }

    [Fact]
    public void Validate_NoCertificate_RefusesAsMissing()
    {
        using var federation = TestFederation.Create();

        var result = federation.CreateValidator().Validate(null, "alpha", Authorized);

        Assert.Equal(CertificateValidationStatus.MissingCertificate, result.Status);
        Assert.Contains("mutual TLS", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CertificateFromAnotherFederation_RefusesAsUntrustedIssuer()
    {
        using var federation = TestFederation.Create();
        using var other = TestFederation.Create();
        other.EnrollCollaborator("alpha");
        using var foreign = other.CollaboratorCertificate("alpha");

        var result = federation.CreateValidator().Validate(foreign, "alpha", Authorized);

        Assert.Equal(CertificateValidationStatus.UntrustedIssuer, result.Status);
        Assert.Contains(federation.Ca.Trust.RootFingerprintSha256, result.Message, StringComparison.Ordinal);
        Assert.Equal("alpha", result.CommonName);
    }

    [Fact]
    public void Validate_ImpostorCaWithIdenticalNames_RefusesAsUntrustedIssuer()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        var trust = federation.Ca.Trust;

        // An impostor copies the federation's CA names exactly; only the keys differ.
        using var impostorRootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var impostorSigningKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var now = TestFederation.Start;
        using var impostorRoot = CertificateFactory.CreateRoot(trust.Root.SubjectName, impostorRootKey, now.AddDays(-1), now.AddDays(100));
        var signingPublicKey = new CertificateRequest(trust.SigningCa.SubjectName, impostorSigningKey, HashAlgorithmName.SHA384).PublicKey;
        using var impostorSigning = CertificateFactory.CreateSigningCa(trust.SigningCa.SubjectName, signingPublicKey, impostorRoot, impostorRootKey, now.AddDays(-1), now.AddDays(100));
        var leafPublicKey = new CertificateRequest("CN=alpha", leafKey, HashAlgorithmName.SHA384).PublicKey;
        using var forged = CertificateFactory.CreateNode(CertificateKind.Collaborator, "alpha", leafPublicKey, impostorSigning, impostorSigningKey, now.AddDays(-1), now.AddDays(30));

        var result = federation.CreateValidator().Validate(forged, "alpha", Authorized);

        Assert.Equal(CertificateValidationStatus.UntrustedIssuer, result.Status);
        Assert.Equal(trust.SigningCa.Subject, forged.Issuer);
    }

    [Fact]
    public void Validate_SelfSignedCertificate_RefusesAsUntrustedIssuer()
    {
        using var federation = TestFederation.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=alpha", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var selfSigned = request.CreateSelfSigned(TestFederation.Start.AddDays(-1), TestFederation.Start.AddDays(30));

        var result = federation.CreateValidator().Validate(selfSigned, "alpha", Authorized);

        Assert.Equal(CertificateValidationStatus.UntrustedIssuer, result.Status);
    }

    [Fact]
    public void Validate_CommonNameIsNotTheClaimedCollaborator_RefusesAsNameMismatch()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");

        var result = federation.CreateValidator().Validate(certificate, "beta", Authorized);

        Assert.Equal(CertificateValidationStatus.NameMismatch, result.Status);
        Assert.Contains("'beta'", result.Message, StringComparison.Ordinal);
        Assert.Contains("'alpha'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CollaboratorNotInAuthorizedList_RefusesAsNotAuthorized()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("gamma");
        using var certificate = federation.CollaboratorCertificate("gamma");

        var result = federation.CreateValidator().Validate(certificate, "gamma", Authorized);

        Assert.Equal(CertificateValidationStatus.NotAuthorized, result.Status);
        Assert.Contains("alpha, beta", result.Message, StringComparison.Ordinal);
        Assert.Contains("plan/cols.yaml", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AfterRevoke_RefusesWithoutANewValidator()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        federation.EnrollCollaborator("beta");
        using var alpha = federation.CollaboratorCertificate("alpha");
        using var beta = federation.CollaboratorCertificate("beta");
        var validator = federation.CreateValidator();
        Assert.True(validator.Validate(alpha, "alpha", Authorized).IsAccepted);

        federation.Ca.RevokeCollaborator("alpha");

        var result = validator.Validate(alpha, "alpha", Authorized);
        Assert.Equal(CertificateValidationStatus.Revoked, result.Status);
        Assert.Contains(alpha.SerialNumber, result.Message, StringComparison.Ordinal);
        Assert.True(validator.Validate(beta, "beta", Authorized).IsAccepted);
    }

    [Fact]
    public void Validate_AfterExpiry_RefusesAsExpired()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");
        var validator = federation.CreateValidator();
        Assert.True(validator.Validate(certificate, "alpha", Authorized).IsAccepted);

        federation.Time.Advance(TimeSpan.FromDays(366));

        var result = validator.Validate(certificate, "alpha", Authorized);
        Assert.Equal(CertificateValidationStatus.Expired, result.Status);
        Assert.Contains("expired on 2027-03-01", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BeforeValidity_RefusesAsNotYetValid()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");
        var early = new FakeTimeProvider(TestFederation.Start.AddHours(-1));
        var validator = new CollaboratorCertificateValidator(federation.Ca.Trust, DatabaseRevocationSource.ForWorkspace(federation.AggregatorWorkspace), early);

        var result = validator.Validate(certificate, "alpha", Authorized);

        Assert.Equal(CertificateValidationStatus.NotYetValid, result.Status);
    }

    [Fact]
    public void Validate_AggregatorServerCertificateAsClient_RefusesAsWrongUsage()
    {
        using var federation = TestFederation.Create();
        federation.CertifyAggregator("localhost");
        using var certificate = federation.AggregatorCertificate("localhost");

        var result = federation.CreateValidator().Validate(certificate, "localhost", ["localhost"]);

        Assert.Equal(CertificateValidationStatus.WrongUsage, result.Status);
    }

    [Fact]
    public void Validate_SignedButMissingFromDatabase_RefusesAsUnknown()
    {
        using var federation = TestFederation.Create();
        var database = File.ReadAllBytes(federation.AggregatorPaths.Database);
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");
        var validator = federation.CreateValidator();
        Assert.True(validator.Validate(certificate, "alpha", Authorized).IsAccepted);

        // The database is restored from a backup older than the certificate.
        File.WriteAllBytes(federation.AggregatorPaths.Database, database);

        var result = validator.Validate(certificate, "alpha", Authorized);
        Assert.Equal(CertificateValidationStatus.UnknownCertificate, result.Status);
    }

    [Fact]
    public void Validate_WithoutNameOrList_ChecksOnlyTheCertificate()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("gamma");
        using var certificate = federation.CollaboratorCertificate("gamma");

        var result = federation.CreateValidator().Validate(certificate);

        Assert.True(result.IsAccepted, result.Message);
        Assert.Equal("gamma", result.CommonName);
    }

    [Fact]
    public void Validate_ManyCallsFromManyThreads_AgreeWithTheFirst()
    {
        using var federation = TestFederation.Create();
        federation.EnrollCollaborator("alpha");
        using var certificate = federation.CollaboratorCertificate("alpha");
        var validator = federation.CreateValidator();

        var statuses = new System.Collections.Concurrent.ConcurrentBag<CertificateValidationStatus>();
        Parallel.For(0, 200, _ => statuses.Add(validator.Validate(certificate, "alpha", Authorized).Status));

        Assert.Equal(200, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(CertificateValidationStatus.Accepted, s));
    }
}
