using Confer.Testing;

namespace Confer.Cli.Tests.Infrastructure;

/// <summary>Workspaces in the states the lifecycle steps leave them in.</summary>
internal static class Workspaces
{
    public static async Task<string> CreateAsync(TempDirectory temp, string name = "agg", string template = "echo")
    {
        string directory = temp.Combine(name);
        // A template with code of its own builds it to validate its plan.
        await CliRunner.RunOkAsync(CliRunner.BuildTimeout, "workspace", "create", "--prefix", directory, "--template", template);
        return directory;
    }

    /// <summary>A workspace with a CA and a certified aggregator at <c>localhost</c>.</summary>
    public static async Task<string> CreateCertifiedAsync(TempDirectory temp, string name = "agg")
    {
        string directory = await CreateAsync(temp, name);
        await CliRunner.RunOkAsync("plan", "initialize", "-w", directory, "-a", "localhost", "--seed", "1");
        await CliRunner.RunOkAsync("workspace", "certify", "-w", directory);
        await CliRunner.RunOkAsync("aggregator", "generate-cert-request", "-w", directory, "--fqdn", "localhost");
        await CliRunner.RunOkAsync("aggregator", "certify", "-w", directory, "--fqdn", "localhost");
        return directory;
    }

    /// <summary>The value after <paramref name="label"/> on the line that holds it, e.g. the hash after "CSR SHA-384: ".</summary>
    public static string ValueAfter(string output, string label)
    {
        string line = output.Split('\n').First(l => l.Contains(label, StringComparison.Ordinal));
        return line[(line.IndexOf(label, StringComparison.Ordinal) + label.Length)..].Trim();
    }
}
