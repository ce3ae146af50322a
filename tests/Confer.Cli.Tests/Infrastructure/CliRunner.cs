using System.CommandLine;
using Confer.Testing;

namespace Confer.Cli.Tests.Infrastructure;

/// <summary>What one in-process invocation of the <c>confer</c> command tree printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Output}\n--- err ---\n{Error}";
}

/// <summary>Runs <c>confer</c> in-process against <see cref="Program.BuildRootCommand"/> with captured output, so no prompt can ever wait for input.</summary>
internal static class CliRunner
{
    /// <summary>
    /// How long a command that builds a workspace's own code may take: a first `dotnet build` takes
    /// about 5 s alone, but several at once beside the other test projects on two cores take longer.
    /// </summary>
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    public static async Task<CliResult> RunAsync(TimeSpan? timeout, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        int exitCode = await Program.BuildRootCommand().Parse(args).InvokeAsync(configuration).DefaultTimeout(timeout);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs and asserts success, returning the result for further checks.</summary>
    public static Task<CliResult> RunOkAsync(params string[] args) => RunOkAsync(null, args);

    /// <summary>Runs with <paramref name="timeout"/> and asserts success.</summary>
    public static async Task<CliResult> RunOkAsync(TimeSpan? timeout, params string[] args)
    {
        CliResult result = await RunAsync(timeout, args);
        Assert.True(result.ExitCode == 0, $"confer {string.Join(' ', args)} failed:\n{result}");
        return result;
    }
}
