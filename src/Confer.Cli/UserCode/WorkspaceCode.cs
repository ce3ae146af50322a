using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Confer.Cli.Commands.Lifecycle;
using Confer.Plan;

namespace Confer.Cli.UserCode;

/// <summary>
/// A workspace's own code: the C# project in <c>code/</c>, built with <c>dotnet build</c> into
/// <c>code/bin/confer/HASH/</c> (HASH: the first 16 digits of the <see cref="WorkspaceCodeHash"/>,
/// so a build is reused until a source file changes) and loaded in its own
/// <see cref="WorkspaceLoadContext"/>. Build failures stop the command with the compiler's first
/// errors; nothing of the federation's state is touched before that.
/// </summary>
internal sealed class WorkspaceCode
{
    private const int ErrorsShown = 8;
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private WorkspaceCode(string project, string hash, string assemblyPath, Assembly assembly)
    {
        Project = project;
        Hash = hash;
        AssemblyPath = assemblyPath;
        Assembly = assembly;
    }

    /// <summary>The project file, relative to the workspace (<c>code/Hospital.csproj</c>).</summary>
    public string Project { get; }

    /// <summary>The code hash, part of the federation id.</summary>
    public string Hash { get; }

    public string AssemblyPath { get; }

    public Assembly Assembly { get; }

    /// <summary>Builds (or finds in the cache) and loads the code of <paramref name="workspaceDirectory"/>.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <param name="report">Receives a line on what happens: built (with the time) or taken from the cache.</param>
    /// <returns>The loaded code, or <see langword="null"/> when the workspace has no project in <c>code/</c>.</returns>
    /// <exception cref="LifecycleException">Several projects, a build that fails (with its first errors), or no assembly where the build should have put it.</exception>
    public static WorkspaceCode? Load(string workspaceDirectory, Action<string> report)
    {
        string? hash = WorkspaceCodeHash.Compute(workspaceDirectory);
        if (hash is null)
        {
            return null;
        }

        string code = Path.Combine(workspaceDirectory, WorkspaceCodeHash.Directory);
        string[] projects = Directory.GetFiles(code, "*.csproj", SearchOption.TopDirectoryOnly);
        if (projects.Length > 1)
        {
            throw new LifecycleException(
                $"code/ holds {projects.Length} projects ({string.Join(", ", projects.Select(Path.GetFileName).Order(StringComparer.Ordinal))}); a workspace's code is one project. Reference the others from it (ProjectReference) and move them into a subfolder.");
        }

        string project = projects[0];
        string display = $"{WorkspaceCodeHash.Directory}/{Path.GetFileName(project)}";
        string output = Path.Combine(code, "bin", "confer", hash[..16]);
        string assemblyPath = Path.Combine(output, Path.GetFileNameWithoutExtension(project) + ".dll");
        string stamp = Path.Combine(output, ".built");
        var clock = Stopwatch.StartNew();
        if (IsBuilt(stamp, hash, assemblyPath))
        {
            report($"Workspace code {display} (hash {hash[..12]}) is built already: loading {Path.GetRelativePath(workspaceDirectory, assemblyPath)}");
        }
        else
        {
            Directory.CreateDirectory(Path.Combine(code, "bin"));
            using (AcquireLock(Path.Combine(code, "bin", ".confer-build.lock"), display))
            {
                if (!IsBuilt(stamp, hash, assemblyPath))
                {
                    report($"Building workspace code {display} (hash {hash[..12]}): the first start with this code; later starts reuse the build");
                    Build(project, display, output);
                    if (!File.Exists(assemblyPath))
                    {
                        throw new LifecycleException(
                            $"Building {display} wrote no {Path.GetFileName(assemblyPath)} in {output}. The assembly must be named after the project file: remove AssemblyName from {display}, or rename the project.");
                    }

                    File.WriteAllText(stamp, hash + "\n");
                    report(string.Create(CultureInfo.InvariantCulture, $"Built {display} in {clock.Elapsed.TotalSeconds:F1} s into {Path.GetRelativePath(workspaceDirectory, output)}"));
                }
            }
        }

        var context = new WorkspaceLoadContext(assemblyPath);
        Assembly assembly = context.LoadFromAssemblyPath(assemblyPath);
        return new WorkspaceCode(display, hash, assemblyPath, assembly);
    }

    private static bool IsBuilt(string stamp, string hash, string assemblyPath) =>
        File.Exists(stamp) && File.Exists(assemblyPath) && File.ReadAllText(stamp).Trim() == hash;

    private static FileStream AcquireLock(string path, string display)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                // Another confer process builds the same workspace; its build is then reused.
                Thread.Sleep(200);
            }
            catch (IOException ex)
            {
                throw new LifecycleException($"Another process has been building {display} for {LockWait.TotalMinutes:F0} minutes ({path} is locked). Stop it, or delete the lock file, and start again.", ex);
            }
        }
    }

    private static void Build(string project, string display, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        string[] arguments =
        [
            "build", project, "-c", "Release", "-o", output, "--nologo", "-v:q", "-clp:NoSummary",
            // No build servers that outlive this command (and hold its console).
            "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:ConferVersion={WorkspaceTemplates.ConferVersion}",
        ];
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        string? feed = PackageFeed.Find();
        if (feed is not null)
        {
            start.ArgumentList.Add($"-p:RestoreAdditionalProjectSources={feed}");
        }

        foreach (string inherited in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using Process process = Process.Start(start) ?? throw new LifecycleException("Could not start `dotnet build`: is the .NET SDK on PATH?");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        string text = stdout.GetAwaiter().GetResult() + "\n" + stderr.GetAwaiter().GetResult();
        if (process.ExitCode == 0)
        {
            return;
        }

        throw new LifecycleException(DescribeFailure(display, text.Replace(Path.GetDirectoryName(project) + "/", WorkspaceCodeHash.Directory + "/", StringComparison.Ordinal), feed));
    }

    /// <summary>The compiler's first errors, each once, with paths relative to the code folder.</summary>
    internal static string DescribeFailure(string display, string output, string? feed)
    {
        var errors = output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Select(l => l.EndsWith(']') && l.LastIndexOf(" [", StringComparison.Ordinal) is var cut and > 0 ? l[..cut] : l)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var lines = errors.Count > 0 ? errors : output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(ErrorsShown).ToList();
        string more = errors.Count > ErrorsShown ? $"\n  ... and {errors.Count - ErrorsShown} more" : string.Empty;
        string hint = errors.Any(e => e.Contains("NU1101", StringComparison.Ordinal) || e.Contains("NU1102", StringComparison.Ordinal))
            ? feed is null
                ? $"\nConfer's packages were not found: pack them with `bash scripts/pack.sh` in Confer's source folder, or set {PackageFeed.Variable} to a folder holding them."
                : $"\nConfer's packages were looked for in {feed} as well: pack them there with `bash scripts/pack.sh`."
            : string.Empty;
        return $"The workspace code {display} does not build ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):\n  "
            + string.Join("\n  ", lines.Take(ErrorsShown)) + more + hint
            + $"\nFix the code and start again; nothing of the federation was changed.";
    }
}
