using System.IO.Compression;
using Confer.Cli.Tests.Infrastructure;
using Confer.Plan;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

public sealed class WorkspaceCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Create_WithoutTemplate_ListsTheTemplates()
    {
        CliResult result = await CliRunner.RunAsync("workspace", "create");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("echo", result.Output, StringComparison.Ordinal);
        Assert.Contains("torch_cnn_fashion_mnist", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownTemplate_ListsTheTemplatesAndWritesNothing()
    {
        string directory = _temp.Combine("ws");

        CliResult result = await CliRunner.RunAsync("workspace", "create", "--prefix", directory, "--template", "torch_cnn_mnist");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("there is no template 'torch_cnn_mnist'", result.Error, StringComparison.Ordinal);
        Assert.Contains("torch_cnn_fashion_mnist", result.Error, StringComparison.Ordinal);
        Assert.Contains("echo", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [InlineData("echo", "echo", "none")]
    [InlineData("torch_cnn_fashion_mnist", "torch_cnn", "fashion_mnist")]
    public async Task Create_Template_WritesAValidWorkspaceAndSaysWhatItWrote(string template, string runner, string loader)
    {
        string directory = _temp.Combine("ws");

        CliResult result = await CliRunner.RunOkAsync("workspace", "create", "--prefix", directory, "--template", template);

        foreach (string file in new[] { "plan/plan.yaml", "plan/cols.yaml", "plan/data.yaml", "plan/defaults/network.yaml", "requirements.txt", ".workspace", "code/README.md" })
        {
            Assert.True(File.Exists(Path.Combine(directory, file)), $"{file} is missing");
            Assert.Contains($"wrote {file}", result.Output, StringComparison.Ordinal);
        }

        foreach (string folder in new[] { "cert", "save", "logs", "data" })
        {
            Assert.True(Directory.Exists(Path.Combine(directory, folder)), $"{folder}/ is missing");
        }

        Assert.Contains($"template: {template}", File.ReadAllText(Path.Combine(directory, ".workspace")), StringComparison.Ordinal);
        Assert.DoesNotContain("{confer_version}", File.ReadAllText(Path.Combine(directory, "requirements.txt")), StringComparison.Ordinal);
        Assert.Contains($"task runner {runner}, data loader {loader}", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "template.yaml")));
    }

    [Fact]
    public async Task Create_IntoAFolderThatIsNotEmpty_FailsAndKeepsItsFiles()
    {
        string directory = _temp.Combine("ws");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "mine.txt"), "keep");

        CliResult result = await CliRunner.RunAsync("workspace", "create", "--prefix", directory, "--template", "echo");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not empty", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "plan", "plan.yaml")));
    }

    [Fact]
    public async Task Certify_CreatesTheCaOnceAndRefusesASecond()
    {
        string directory = await Workspaces.CreateAsync(_temp);

        CliResult first = await CliRunner.RunOkAsync("workspace", "certify", "-w", directory);
        CliResult second = await CliRunner.RunAsync("workspace", "certify", "-w", directory);

        Assert.Contains("wrote cert/cert_chain.crt", first.Output, StringComparison.Ordinal);
        Assert.Contains("wrote cert/ca/signing_ca/private/signing_ca.key", first.Output, StringComparison.Ordinal);
        Assert.Matches("Root CA SHA-256 fingerprint: [0-9a-f]{64}", first.Output);
        Assert.True(File.Exists(Path.Combine(directory, "cert", "ca", "root_ca.crt")));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already has a certificate authority", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ShipsPlanCodeAndDependenciesButNoKeysCertificatesStatesOrDataLines()
    {
        string directory = await Workspaces.CreateCertifiedAsync(_temp);
        await CliRunner.RunOkAsync("collaborator", "generate-cert-request", "-w", directory, "-n", "alpha", "--data-path", "/secret/site/data");
        string archive = _temp.Combine("out", "federation.zip");

        CliResult result = await CliRunner.RunOkAsync("workspace", "export", "-w", directory, "-o", archive);

        using ZipArchive zip = ZipFile.OpenRead(archive);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("plan/plan.yaml", names);
        Assert.Contains("plan/plan.yaml.sha384", names);
        Assert.Contains("plan/cols.yaml", names);
        Assert.Contains("requirements.txt", names);
        Assert.Contains(".workspace", names);
        Assert.Contains("code/README.md", names);
        Assert.DoesNotContain(names, n => n.StartsWith("cert/", StringComparison.Ordinal) || n.StartsWith("save/", StringComparison.Ordinal) || n.EndsWith(".key", StringComparison.Ordinal));
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            string text = reader.ReadToEnd();
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/secret/site/data", text, StringComparison.Ordinal);
        }

        Assert.Contains("Froze the plan", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Exported {names.Count} files to {archive}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AKeyInTheCodeFolder_IsRefused()
    {
        string directory = await Workspaces.CreateAsync(_temp);
        File.WriteAllText(Path.Combine(directory, "code", "oops.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");

        CliResult result = await CliRunner.RunAsync("workspace", "export", "-w", directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("code/oops.pem", result.Error, StringComparison.Ordinal);
        Assert.Contains("private key", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "agg.zip")));
    }

    [Fact]
    public async Task Import_AnExportedWorkspace_GivesTheSamePlanHash()
    {
        string directory = await Workspaces.CreateCertifiedAsync(_temp);
        string archive = _temp.Combine("federation.zip");
        await CliRunner.RunOkAsync("workspace", "export", "-w", directory, "-o", archive);
        string collaborator = _temp.Combine("col");

        CliResult result = await CliRunner.RunOkAsync("workspace", "import", "--archive", archive, "--prefix", collaborator);

        var registry = Confer.Cli.Commands.Lifecycle.LifecyclePlanTypes.CreateRegistry();
        string aggregatorHash = new PlanLoader(registry).Load(directory).Hash;
        Assert.Equal(aggregatorHash, new PlanLoader(registry).Load(collaborator).Hash);
        Assert.Contains(aggregatorHash, result.Output, StringComparison.Ordinal);
        Assert.Contains("Confer.Cli", result.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(collaborator, "cert")));
        Assert.False(Directory.Exists(Path.Combine(collaborator, "cert", "ca")));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("cert/client/col_x.key")]
    public async Task Import_AnArchiveWithAnEntryOutsideAWorkspace_IsRefusedAndLeavesNothing(string entryName)
    {
        string archive = _temp.Combine("evil.zip");
        using (ZipArchive zip = ZipFile.Open(archive, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("plan/plan.yaml").Open()))
            {
                writer.Write("aggregator: {}\n");
            }

            using (var writer = new StreamWriter(zip.CreateEntry(entryName).Open()))
            {
                writer.Write("x");
            }
        }

        string target = _temp.Combine("col");
        CliResult result = await CliRunner.RunAsync("workspace", "import", "--archive", archive, "--prefix", target);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(entryName, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.False(File.Exists(_temp.Combine("escape.txt")));
    }

    [Fact]
    public async Task Import_AMissingArchive_SaysWhatToPass()
    {
        CliResult result = await CliRunner.RunAsync("workspace", "import", "--archive", _temp.Combine("nope.zip"), "--prefix", _temp.Combine("col"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("There is no archive", result.Error, StringComparison.Ordinal);
    }
}
