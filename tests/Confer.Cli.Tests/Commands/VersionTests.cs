using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Confer.Testing;

namespace Confer.Cli.Tests.Commands;

/// <summary>Confer's version is written once (Directory.Build.props) and agrees everywhere it shows.</summary>
public sealed partial class VersionTests
{
    [Fact]
    public async Task TheVersion_IsTheSameInTheToolTheLibrariesThePackagesAndTheReadme()
    {
        string root = RepositoryRoot();
        string version = VersionProperty().Match(File.ReadAllText(Path.Combine(root, "Directory.Build.props"))).Groups["version"].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);

        // The built tool itself, as a process (in-process the entry assembly would be the test host).
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "confer.dll"));
        start.ArgumentList.Add("--version");
        using Process tool = Process.Start(start)!;
        string printed = await tool.StandardOutput.ReadToEndAsync().DefaultTimeout();
        await tool.WaitForExitAsync().DefaultTimeout();
        Assert.StartsWith(version + "+", printed.Trim(), StringComparison.Ordinal);
        Assert.Equal(version, Confer.Cli.Commands.Lifecycle.WorkspaceTemplates.ConferVersion);

        foreach (Type library in new[] { typeof(Confer.Core.ModelState), typeof(Confer.Plan.FederationPlan), typeof(Confer.Federation.Strategies.FedAvg), typeof(Confer.Torch.OpenFlCnn) })
        {
            string? informational = library.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            Assert.StartsWith(version + "+", informational, StringComparison.Ordinal);
        }

        Assert.Contains($"version {version}", File.ReadAllText(Path.Combine(root, "README.md")), StringComparison.Ordinal);
        string feed = Path.Combine(root, "artifacts", "packages");
        if (Directory.Exists(feed))
        {
            // scripts/test.sh packs before the tests: every package carries the same version.
            Assert.All(Directory.GetFiles(feed, "Confer.*.nupkg"), package => Assert.EndsWith($".{version}.nupkg", package, StringComparison.Ordinal));
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Confer.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside Confer's source folder.");
    }

    [GeneratedRegex("<Version>(?<version>[^<]+)</Version>")]
    private static partial Regex VersionProperty();
}
