using System.Security.Cryptography;
using Confer.Cli.Commands.Lifecycle;
using Confer.Cli.Tests.Infrastructure;
using Confer.Plan;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

public sealed class CollaboratorCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static FederationPlan Load(string directory) => new PlanLoader(LifecyclePlanTypes.CreateRegistry()).Load(directory);

    [Fact]
    public async Task GenerateCertRequest_WithoutDataPathAndNoTerminal_FailsClearlyAndWritesNothing()
    {
        string directory = await Workspaces.CreateAsync(_temp, "col");

        CliResult result = await CliRunner.RunAsync("collaborator", "generate-cert-request", "-w", directory, "-n", "alpha");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no terminal to ask", result.Error, StringComparison.Ordinal);
        Assert.Contains("--data-path", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "cert", "client", "col_alpha.key")));
        Assert.Empty(Load(directory).CollaboratorData);
    }

    [Fact]
    public async Task GenerateCertRequest_WithDataPath_WritesDataKeyRequestAndPackageAndPrintsTheCsrHash()
    {
        string directory = await Workspaces.CreateAsync(_temp, "col");

        CliResult result = await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", directory, "-n", "alpha", "--data-path", "1");

        Assert.Equal(1, Load(directory).CollaboratorData["alpha"].Shard);
        string csr = Path.Combine(directory, "cert", "client", "col_alpha.csr");
        string expectedHash = Convert.ToHexStringLower(SHA384.HashData(File.ReadAllBytes(csr)));
        Assert.Equal(expectedHash, Workspaces.ValueAfter(result.Output, "CSR SHA-384:"));
        Assert.True(File.Exists(Path.Combine(directory, "col_alpha_to_agg_cert_request.zip")));
        Assert.Contains("wrote plan/data.yaml", result.Output, StringComparison.Ordinal);
        Assert.Contains("wrote cert/client/col_alpha.key", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateCertRequest_AgainWithoutDataPath_UsesTheRecordedData()
    {
        string directory = await Workspaces.CreateAsync(_temp, "col");
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", directory, "-n", "alpha", "--data-path", "data/alpha");

        CliResult result = await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", directory, "-n", "alpha", "--force");

        Assert.Contains("data/alpha", result.Output, StringComparison.Ordinal);
        Assert.Equal("data/alpha", Load(directory).CollaboratorData["alpha"].Value);
    }

    [Theory]
    [InlineData("_bad")]
    [InlineData("a/b")]
    [InlineData("..")]
    public async Task GenerateCertRequest_InvalidName_IsAUsageError(string name)
    {
        string directory = await Workspaces.CreateAsync(_temp, "col");

        CliResult result = await CliRunner.RunAsync("collaborator", "generate-cert-request", "-w", directory, "-n", name, "--data-path", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a valid collaborator name", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory, "cert", "client")));
    }

    [Fact]
    public async Task CertifyRequest_WithoutACa_SaysToRunWorkspaceCertify()
    {
        string collaborator = await Workspaces.CreateAsync(_temp, "col");
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", collaborator, "-n", "alpha", "-d", "1");
        string uncertified = await Workspaces.CreateAsync(_temp, "agg");

        CliResult result = await CliRunner.RunAsync(
            "collaborator", "certify", "-w", uncertified, "--request-pkg", Path.Combine(collaborator, "col_alpha_to_agg_cert_request.zip"), "--yes");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("confer workspace certify", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertifyRequest_WithoutHashOrYesAndNoTerminal_SignsNothing()
    {
        string aggregator = await Workspaces.CreateCertifiedAsync(_temp);
        string collaborator = await Workspaces.CreateAsync(_temp, "col");
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", collaborator, "-n", "alpha", "-d", "1");

        CliResult result = await CliRunner.RunAsync(
            "collaborator", "certify", "-w", aggregator, "--request-pkg", Path.Combine(collaborator, "col_alpha_to_agg_cert_request.zip"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--hash", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(aggregator, "agg_to_col_alpha_signed_cert.zip")));
        Assert.Empty(Load(aggregator).AuthorizedCollaborators);
    }

    [Fact]
    public async Task CertifyRequest_WithAnotherHash_IsRefused()
    {
        string aggregator = await Workspaces.CreateCertifiedAsync(_temp);
        string collaborator = await Workspaces.CreateAsync(_temp, "col");
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", collaborator, "-n", "alpha", "-d", "1");

        CliResult result = await CliRunner.RunAsync(
            "collaborator", "certify", "-w", aggregator, "--request-pkg", Path.Combine(collaborator, "col_alpha_to_agg_cert_request.zip"), "--hash", new string('a', 96));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Nothing was signed", result.Error, StringComparison.Ordinal);
        Assert.Empty(Load(aggregator).AuthorizedCollaborators);
    }

    [Fact]
    public async Task Certify_NeitherOrBothPackages_IsAUsageError()
    {
        string aggregator = await Workspaces.CreateAsync(_temp);

        CliResult neither = await CliRunner.RunAsync("collaborator", "certify", "-w", aggregator);
        CliResult both = await CliRunner.RunAsync("collaborator", "certify", "-w", aggregator, "--request-pkg", "a.zip", "--import", "b.zip");

        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --request-pkg", neither.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertifyImportRevoke_AuthorizeInColsAndRevokeRemovesIt()
    {
        string aggregator = await Workspaces.CreateCertifiedAsync(_temp);
        string collaborator = await Workspaces.CreateAsync(_temp, "col");
        CliResult request = await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", collaborator, "-n", "alpha", "-d", "1");
        string hash = Workspaces.ValueAfter(request.Output, "CSR SHA-384:");

        CliResult signed = await CliRunner.RunOkAsync(
            "collaborator", "certify", "-w", aggregator, "--request-pkg", Path.Combine(collaborator, "col_alpha_to_agg_cert_request.zip"), "--hash", hash.ToUpperInvariant());
        string fingerprint = Workspaces.ValueAfter(signed.Output, "Root CA SHA-256 fingerprint:");
        CliResult imported = await CliRunner.RunOkAsync(
            "collaborator", "certify", "-w", collaborator, "--import", Path.Combine(aggregator, "agg_to_col_alpha_signed_cert.zip"), "--root-fingerprint", fingerprint);
        Assert.Equal(["alpha"], Load(aggregator).AuthorizedCollaborators.ToArray());
        CliResult revoked = await CliRunner.RunOkAsync("collaborator", "revoke", "-w", aggregator, "-n", "alpha");
        CliResult again = await CliRunner.RunAsync("collaborator", "revoke", "-w", aggregator, "-n", "alpha");

        Assert.Contains("wrote plan/cols.yaml  (authorized alpha)", signed.Output, StringComparison.Ordinal);
        Assert.Contains("wrote agg_to_col_alpha_signed_cert.zip", signed.Output, StringComparison.Ordinal);
        Assert.Contains("wrote cert/client/col_alpha.crt", imported.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(aggregator, "cert", "cert_chain.crt")), File.ReadAllText(Path.Combine(collaborator, "cert", "cert_chain.crt")));
        Assert.Contains("removed alpha", revoked.Output, StringComparison.Ordinal);
        Assert.Empty(Load(aggregator).AuthorizedCollaborators);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no unrevoked certificate", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithTheWrongRootFingerprint_IsRefused()
    {
        string aggregator = await Workspaces.CreateCertifiedAsync(_temp);
        string collaborator = await Workspaces.CreateAsync(_temp, "col");
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", collaborator, "-n", "alpha", "-d", "1");
        await CliRunner.RunOkAsync(
            "collaborator", "certify", "-w", aggregator, "--request-pkg", Path.Combine(collaborator, "col_alpha_to_agg_cert_request.zip"), "--yes");

        CliResult result = await CliRunner.RunAsync(
            "collaborator", "certify", "-w", collaborator, "--import", Path.Combine(aggregator, "agg_to_col_alpha_signed_cert.zip"), "--root-fingerprint", new string('0', 64));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Nothing was imported", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(collaborator, "cert", "client", "col_alpha.crt")));
    }
}
