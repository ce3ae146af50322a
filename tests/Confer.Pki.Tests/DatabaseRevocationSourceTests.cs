namespace Confer.Pki.Tests;

public class DatabaseRevocationSourceTests
{
    [Fact]
    public void GetStatus_ReflectsRevocationWrittenByAnotherCaInstance()
    {
        using var federation = TestFederation.Create();
        var (_, issued, _) = federation.EnrollCollaborator("alpha");
        var source = DatabaseRevocationSource.ForWorkspace(federation.AggregatorWorkspace);
        Assert.Equal(RevocationStatus.Good, source.GetStatus(issued.Record.SerialNumber));

        // As `confer collaborator revoke` would, from another process with its own CA instance.
        using (var cli = CertificateAuthority.Open(federation.AggregatorWorkspace, timeProvider: federation.Time))
        {
            cli.RevokeCollaborator("alpha");
        }

        Assert.Equal(RevocationStatus.Revoked, source.GetStatus(issued.Record.SerialNumber));
        Assert.Equal(RevocationStatus.Revoked, source.GetStatus(issued.Record.SerialNumber.ToLowerInvariant()));
        Assert.Null(source.LastReloadError);
    }

    [Fact]
    public void GetStatus_UnknownSerial_IsUnknown()
    {
        using var federation = TestFederation.Create();
        var source = DatabaseRevocationSource.ForWorkspace(federation.AggregatorWorkspace);

        Assert.Equal(RevocationStatus.Unknown, source.GetStatus("0123456789ABCDEF"));
    }

    [Fact]
    public void GetStatus_DatabaseCorruptedAfterStart_KeepsLastGoodSnapshotAndReportsWhy()
    {
        using var federation = TestFederation.Create();
        var (_, issued, _) = federation.EnrollCollaborator("alpha");
        federation.Ca.RevokeCollaborator("alpha");
        var source = DatabaseRevocationSource.ForWorkspace(federation.AggregatorWorkspace);

        File.WriteAllText(federation.AggregatorPaths.Database, "{ truncated");

        Assert.Equal(RevocationStatus.Revoked, source.GetStatus(issued.Record.SerialNumber));
        Assert.Contains("not valid JSON", source.LastReloadError, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoDatabase_SaysToRunWorkspaceCertify()
    {
        var error = Assert.Throws<PkiException>(() => DatabaseRevocationSource.ForWorkspace(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));

        Assert.Equal(PkiError.CaMissing, error.Error);
        Assert.Contains("confer workspace certify", error.Message, StringComparison.Ordinal);
    }
}
