using System.Diagnostics;
using System.Reflection;
using System.Text;
using Confer.Testing;

namespace Confer.EndToEnd.Tests;

/// <summary>What one finished <c>confer</c> process printed and returned.</summary>
internal sealed record LifecycleResult(string Command, int ExitCode, string Output, string Error)
{
    public override string ToString() => $"confer {Command}: exit {ExitCode}\n--- out ---\n{Output}\n--- err ---\n{Error}";
}

/// <summary>
/// Runs the built <c>confer</c> binary (<c>dotnet confer.dll ...</c>) as a real process in a given
/// folder, the way an operator types the commands after <c>cd</c>-ing into a workspace.
/// Standard input is closed, so a command that would prompt fails instead of waiting.
/// </summary>
internal sealed class LifecycleConfer : IAsyncDisposable
{
    /// <summary>How long one short lifecycle command may take on a loaded machine.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    private LifecycleConfer(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    /// <summary>The path of the built <c>confer.dll</c>, recorded at build time beside this test assembly.</summary>
    public static string CliPath { get; } = FindCli();

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public static LifecycleConfer Start(string workingDirectory, params string[] args) => StartProgram(CliPath, workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts a command with extra environment variables (e.g. <c>CONFER_FAULT</c>).</summary>
    public static LifecycleConfer Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartProgram(CliPath, workingDirectory, environment, args);

    /// <summary>Runs another built program (<c>dotnet PROGRAM.dll ...</c>) the same way, e.g. a test-side collaborator.</summary>
    public static LifecycleConfer StartProgram(string programPath, string workingDirectory, params string[] args) =>
        StartProgram(programPath, workingDirectory, new Dictionary<string, string>(), args);

    private static LifecycleConfer StartProgram(string programPath, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(programPath);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var confer = new LifecycleConfer(process, string.Join(' ', args));
        process.OutputDataReceived += (_, e) => confer.Append(confer._output, e.Data);
        process.ErrorDataReceived += (_, e) => confer.Append(confer._error, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return confer;
    }

    /// <summary>Runs a command to its end and returns what it printed.</summary>
    public static async Task<LifecycleResult> RunAsync(string workingDirectory, params string[] args)
    {
        await using LifecycleConfer confer = Start(workingDirectory, args);
        return await confer.WaitAsync(CommandTimeout);
    }

    /// <summary>Runs a command and asserts it succeeded.</summary>
    public static async Task<LifecycleResult> RunOkAsync(string workingDirectory, params string[] args)
    {
        LifecycleResult result = await RunAsync(workingDirectory, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Completes when the process has printed a line containing <paramref name="text"/> (already or later).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal) || _error.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            _awaited.Add((text, seen));
        }

        return seen.Task.WaitAsync(timeout).ContinueWith(
            t => t.IsFaulted && t.Exception!.InnerException is TimeoutException
                ? throw new TimeoutException($"confer {Command} did not print '{text}' within {timeout}.\n--- out ---\n{Output}\n--- err ---\n{Error}")
                : t,
            TaskScheduler.Default).Unwrap();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, e.g. for an external <c>kill -9</c>.</summary>
    public int Id => _process.Id;

    public async Task<LifecycleResult> WaitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().DefaultTimeout(timeout);
        // The parameterless wait also drains the redirected streams.
        _process.WaitForExit();
        return new LifecycleResult(Command, _process.ExitCode, Output, Error);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
            for (int i = _awaited.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_awaited[i].Text, StringComparison.Ordinal))
                {
                    _awaited[i].Seen.TrySetResult();
                    _awaited.RemoveAt(i);
                }
            }
        }
    }

    private static string FindCli()
    {
        string? path = typeof(LifecycleConfer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ConferCliPath")?.Value;
        return path is not null && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The built confer.dll is not at '{path}'. Build src/Confer.Cli (the test project builds it first) and run the tests again.");
    }
}
