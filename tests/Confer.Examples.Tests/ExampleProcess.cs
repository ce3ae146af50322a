using System.Diagnostics;
using System.Reflection;
using System.Text;
using Confer.Testing;

namespace Confer.Examples.Tests;

/// <summary>
/// Runs a built example (<c>dotnet EXAMPLE.dll ...</c>) as a real process in a given folder, the
/// way a reader of the docs runs it. Standard input is closed, so an example that would wait for
/// input fails instead of hanging.
/// </summary>
internal static class ExampleProcess
{
    /// <summary>
    /// How long one small run may take. Alone each takes a few seconds; the limit is there for a
    /// hung example on a loaded machine, not as a measure.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="example"/> to its end in <paramref name="workingDirectory"/> and asserts it exited with 0.</summary>
    public static async Task<ExampleResult> RunOkAsync(string example, string workingDirectory, params string[] args)
    {
        ExampleResult result = await RunAsync(example, workingDirectory, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Runs <paramref name="example"/> to its end in <paramref name="workingDirectory"/>; kills it after <see cref="Timeout"/>.</summary>
    public static async Task<ExampleResult> RunAsync(string example, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PathOf(example));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().DefaultTimeout(Timeout);
        }
        catch (TimeoutException timeout)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the timeout and the kill.
            }

            throw new TimeoutException($"{timeout.Message}\n{new ExampleResult(example, args, -1, Read(output), Read(error))}", timeout);
        }

        // The parameterless wait also drains the redirected streams.
        process.WaitForExit();
        return new ExampleResult(example, args, process.ExitCode, Read(output), Read(error));
    }

    /// <summary>The path of the built example, recorded at build time beside this test assembly.</summary>
    private static string PathOf(string example)
    {
        string? path = typeof(ExampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == $"Example:{example}")?.Value;
        return path is not null && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The built example {example} is not at '{path}'. Build examples/{example} (this test project builds it first) and run the tests again.");
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder source)
    {
        lock (source)
        {
            return source.ToString();
        }
    }
}
