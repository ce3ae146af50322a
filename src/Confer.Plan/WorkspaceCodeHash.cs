using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Confer.Plan;

/// <summary>
/// The hash of a workspace's own code: every file under <c>code/</c> except build output
/// (<c>bin/</c>, <c>obj/</c>) and hidden folders, in ordinal order of their relative paths. It keys
/// the build cache and is part of the federation id, so an aggregator and a collaborator running
/// different code refuse each other. A workspace without a project file in <c>code/</c> has no code
/// of its own (it runs Confer's built-in task runners) and no code hash.
/// </summary>
public static class WorkspaceCodeHash
{
    /// <summary>The workspace folder that holds its own code.</summary>
    public const string Directory = "code";

    private static readonly string[] SkippedFolders = ["bin", "obj"];

    /// <summary>Whether <paramref name="workspaceDirectory"/>'s <c>code/</c> holds a C# project.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <returns>Whether the workspace has code of its own.</returns>
    public static bool HasCode(string workspaceDirectory)
    {
        ArgumentNullException.ThrowIfNull(workspaceDirectory);
        string code = Path.Combine(workspaceDirectory, Directory);
        return System.IO.Directory.Exists(code) && System.IO.Directory.EnumerateFiles(code, "*.csproj", SearchOption.TopDirectoryOnly).Any();
    }

    /// <summary>The files the hash covers, as paths relative to <c>code/</c> with forward slashes, in ordinal order.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <returns>The source files; empty when there is no <c>code/</c>.</returns>
    public static IReadOnlyList<string> SourceFiles(string workspaceDirectory)
    {
        ArgumentNullException.ThrowIfNull(workspaceDirectory);
        string code = Path.Combine(workspaceDirectory, Directory);
        if (!System.IO.Directory.Exists(code))
        {
            return [];
        }

        var files = new List<string>();
        Collect(code, string.Empty, files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The code hash of <paramref name="workspaceDirectory"/>: lowercase hex SHA-256 over each source file's relative path, length and bytes.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <returns>64 hex digits, or <see langword="null"/> when the workspace has no code of its own.</returns>
    public static string? Compute(string workspaceDirectory)
    {
        if (!HasCode(workspaceDirectory))
        {
            return null;
        }

        string code = Path.Combine(workspaceDirectory, Directory);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var file in SourceFiles(workspaceDirectory))
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(code, file));
            hash.AppendData(Encoding.UTF8.GetBytes(file));
            hash.AppendData([0]);
            BinaryPrimitives.WriteInt64LittleEndian(length, bytes.LongLength);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>One line per source file, <c>SHA256  path</c> (as <c>sha256sum</c> writes), for telling later which files changed.</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <returns>The manifest text; empty when there is no code.</returns>
    public static string Manifest(string workspaceDirectory)
    {
        var text = new StringBuilder();
        foreach (var file in SourceFiles(workspaceDirectory))
        {
            byte[] digest = SHA256.HashData(File.ReadAllBytes(Path.Combine(workspaceDirectory, Directory, file)));
            text.Append(Convert.ToHexStringLower(digest)).Append("  ").Append(Directory).Append('/').Append(file).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The files that differ from <paramref name="manifest"/>: "code/X changed", "code/Y added", "code/Z removed".</summary>
    /// <param name="workspaceDirectory">The workspace.</param>
    /// <param name="manifest">A <see cref="Manifest"/> written earlier.</param>
    /// <returns>The differences, in path order; empty when the code is as it was.</returns>
    public static IReadOnlyList<string> Changes(string workspaceDirectory, string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        static Dictionary<string, string> Parse(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[1].Trim(), parts => parts[0], StringComparer.Ordinal);
        var before = Parse(manifest);
        var now = Parse(Manifest(workspaceDirectory));
        return before.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Select(path => !now.TryGetValue(path, out var hash) ? $"{path} removed"
                : !before.TryGetValue(path, out var old) ? $"{path} added"
                : old != hash ? $"{path} changed"
                : null)
            .OfType<string>()
            .ToList();
    }

    private static void Collect(string folder, string relative, List<string> files)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(folder))
        {
            files.Add(relative + Path.GetFileName(file));
        }

        foreach (var child in System.IO.Directory.EnumerateDirectories(folder))
        {
            string name = Path.GetFileName(child);
            if (name.StartsWith('.') || SkippedFolders.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            Collect(child, relative + name + "/", files);
        }
    }
}
