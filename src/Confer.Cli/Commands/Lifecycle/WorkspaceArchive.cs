using System.IO.Compression;
using System.Text;
using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// <c>confer workspace export</c> and <c>import</c>: a zip of what every node must agree on and
/// run (the plan, the code, the dependency list and the <c>.workspace</c> marker) and nothing a
/// node keeps to itself: no certificates or keys, no saved states, logs or data, and an empty
/// <c>plan/data.yaml</c> (each site writes its own).
/// </summary>
internal static class WorkspaceArchive
{
    /// <summary>The most an import extracts, in bytes: far above any plan and code, far below a disk.</summary>
    public const long MaxExtractedBytes = 256L * 1024 * 1024;

    public const int MaxEntries = 10_000;

    private const string PrivateKeyMarker = "PRIVATE KEY-----";
    private static readonly string[] SkippedPlanFolders = [".git", ".vs"];

    /// <summary>Writes the archive and returns its entry names.</summary>
    public static IReadOnlyList<string> Export(WorkspaceLayout layout, string archivePath)
    {
        var entries = new List<(string Name, string Source)>();
        foreach (string root in new[] { WorkspaceLayout.MarkerFile, WorkspaceLayout.RequirementsFile })
        {
            string path = Path.Combine(layout.Directory, root);
            if (File.Exists(path))
            {
                entries.Add((root, path));
            }
        }

        // The code's files are exactly those its hash covers, so the importing node computes the same federation id.
        foreach (string file in WorkspaceCodeHash.SourceFiles(layout.Directory))
        {
            entries.Add(($"{WorkspaceCodeHash.Directory}/{file}", Path.Combine(layout.Directory, WorkspaceCodeHash.Directory, file)));
        }

        foreach (string folder in new[] { "plan" })
        {
            string directory = Path.Combine(layout.Directory, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                string name = Path.GetRelativePath(layout.Directory, file).Replace(Path.DirectorySeparatorChar, '/');
                string[] parts = name.Split('/');
                if (parts.Any(p => SkippedPlanFolders.Contains(p, StringComparer.Ordinal)) || parts[^1].Contains(".tmp-", StringComparison.Ordinal))
                {
                    continue;
                }

                entries.Add((name, file));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, source) in entries)
        {
            if (File.ReadAllText(source).Contains(PrivateKeyMarker, StringComparison.Ordinal))
            {
                throw new LifecycleException(
                    $"'{layout.Display(source)}' holds a private key, and a private key never leaves its node. Move it out of plan/ and code/ (keys belong under cert/), then export again.");
            }
        }

        string full = Path.GetFullPath(archivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}";
        using (var archive = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            foreach (var (name, source) in entries)
            {
                if (name == "plan/data.yaml")
                {
                    // Data paths are local to each site; collaborators write their own line.
                    var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                    using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                    writer.Write(DataFileHeader);
                    continue;
                }

                archive.CreateEntryFromFile(source, name, CompressionLevel.Optimal);
            }
        }

        File.Move(temp, full, overwrite: true);
        return entries.Select(e => e.Name).ToList();
    }

    /// <summary>Extracts an exported workspace into <paramref name="targetDirectory"/> (which must not exist or be empty) and returns the files written.</summary>
    public static IReadOnlyList<string> Import(string archivePath, string targetDirectory)
    {
        string archiveFull = Path.GetFullPath(archivePath);
        if (!File.Exists(archiveFull))
        {
            throw new LifecycleException($"There is no archive at '{archiveFull}'. Pass the zip `confer workspace export` wrote on the aggregator's node.", ExitCodes.Usage);
        }

        string target = Path.GetFullPath(targetDirectory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new LifecycleException($"'{target}' already exists and is not empty. Choose another folder with --prefix, or remove it first.");
        }

        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(archiveFull);
        }
        catch (InvalidDataException ex)
        {
            throw new LifecycleException($"'{archiveFull}' is not a zip archive ({ex.Message}). Ask for the file `confer workspace export` wrote.");
        }

        using (archive)
        {
            var files = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (files.Count > MaxEntries)
            {
                throw Refuse(archiveFull, $"it holds {files.Count} files, more than {MaxEntries}");
            }

            foreach (var entry in files)
            {
                CheckEntryName(archiveFull, entry.FullName);
            }

            if (!files.Any(e => e.FullName == "plan/plan.yaml"))
            {
                throw Refuse(archiveFull, "it holds no plan/plan.yaml");
            }

            bool created = !Directory.Exists(target);
            Directory.CreateDirectory(target);
            try
            {
                return Extract(archiveFull, files, target);
            }
            catch
            {
                // A refused or broken archive leaves no half workspace behind.
                if (created)
                {
                    Directory.Delete(target, recursive: true);
                }

                throw;
            }
        }
    }

    private static List<string> Extract(string archiveFull, List<ZipArchiveEntry> files, string target)
    {
        var written = new List<string>();
        long total = 0;
        foreach (var entry in files)
        {
            string destination = Path.GetFullPath(Path.Combine(target, entry.FullName));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using Stream input = entry.Open();
            using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            byte[] buffer = new byte[81920];
            int read;
            // Counted while decompressing: the sizes in the zip's headers are whatever its author wrote.
            while ((read = input.Read(buffer)) > 0)
            {
                total += read;
                if (total > MaxExtractedBytes)
                {
                    throw Refuse(archiveFull, $"it extracts to more than {MaxExtractedBytes / (1024 * 1024)} MiB");
                }

                output.Write(buffer.AsSpan(0, read));
            }

            written.Add(destination);
        }

        foreach (string folder in WorkspaceLayout.Folders)
        {
            Directory.CreateDirectory(Path.Combine(target, folder));
        }

        return written;
    }

    public const string DataFileHeader =
        "# Each collaborator's data, one `name,value` line each (OpenFL's format): a whole number is a\n"
        + "# shard of the data set, anything else a folder. This file stays on each collaborator's site:\n"
        + "# `confer collaborator generate-cert-request -n NAME --data-path VALUE` writes its line, and\n"
        + "# `confer workspace export` never ships it.\n";

    private static void CheckEntryName(string archive, string name)
    {
        if (name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('/') || name.Contains(':', StringComparison.Ordinal)
            || name.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw Refuse(archive, $"the entry '{name}' would be written outside the workspace");
        }

        bool allowed = name is WorkspaceLayout.MarkerFile or WorkspaceLayout.RequirementsFile
            || name.StartsWith("plan/", StringComparison.Ordinal)
            || name.StartsWith("code/", StringComparison.Ordinal);
        if (!allowed)
        {
            throw Refuse(archive, $"the entry '{name}' is not part of an exported workspace (only .workspace, requirements.txt, plan/ and code/ are)");
        }
    }

    private static LifecycleException Refuse(string archive, string why) =>
        new($"'{archive}' is not a workspace archive Confer will import: {why}. Nothing was imported; ask for the file `confer workspace export` wrote.");
}
