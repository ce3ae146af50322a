using Confer.Cli.Tests.Infrastructure;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

public sealed class AggregatorCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Certify_WithoutACa_SaysToRunWorkspaceCertify()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        await CliRunner.RunOkAsync("aggregator", "generate-cert-request", "-w", directory, "--fqdn", "localhost");

        CliResult result = await CliRunner.RunAsync("aggregator", "certify", "-w", directory, "--fqdn", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("confer workspace certify", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "cert", "server", "agg_localhost.crt")));
    }

    [Fact]
    public async Task GenerateCertRequestThenCertify_WritesKeyRequestAndCertificate()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        await CliRunner.RunOkAsync("workspace", "certify", "-w", directory);

        CliResult request = await CliRunner.RunOkAsync("aggregator", "generate-cert-request", "-w", directory, "--fqdn", "Agg.Example.org");
        CliResult certify = await CliRunner.RunOkAsync("aggregator", "certify", "-w", directory, "--fqdn", "agg.example.org");

        Assert.Contains("wrote cert/server/agg_agg.example.org.key", request.Output, StringComparison.Ordinal);
        Assert.Contains("wrote cert/server/agg_agg.example.org.csr", request.Output, StringComparison.Ordinal);
        Assert.Matches("CSR SHA-384: [0-9a-f]{96}", request.Output);
        Assert.Contains("wrote cert/server/agg_agg.example.org.crt", certify.Output, StringComparison.Ordinal);
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(directory, "cert", "server", "agg_agg.example.org.crt")));
        Assert.Equal("agg.example.org", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false));
    }

    [Fact]
    public async Task Certify_WithoutARequest_SaysToGenerateOne()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        await CliRunner.RunOkAsync("workspace", "certify", "-w", directory);

        CliResult result = await CliRunner.RunAsync("aggregator", "certify", "-w", directory, "--fqdn", "localhost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("confer aggregator generate-cert-request --fqdn localhost", result.Error, StringComparison.Ordinal);
    }
}
