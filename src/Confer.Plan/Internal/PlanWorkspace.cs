using System.Diagnostics.CodeAnalysis;

namespace Confer.Plan.Internal;

/// <summary>Reads the plan's files from the workspace, keeping every path inside it.</summary>
internal sealed class PlanWorkspace(string root)
{
    public const string BuiltInPrefix = "builtin:";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Normalizes a workspace-relative path to '/' separators; <see langword="null"/> when it is absolute or climbs out with '..'.</summary>
    public static string? Normalize(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) || path.StartsWith('/') || path.StartsWith('\\'))
        {
            return null;
        }

        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Any(s => s == "..") ? null : string.Join('/', segments.Where(s => s != "."));
    }

    public string FullPath(string relative) => Path.Combine(Root, relative);

    /// <summary>Reads a workspace file, or the built-in copy of a defaults file; the display name says which.</summary>
    public bool TryRead(string relative, bool allowBuiltIn, [NotNullWhen(true)] out string? text, out string displayName)
    {
        displayName = relative;
        var full = FullPath(relative);
        if (File.Exists(full))
        {
            text = File.ReadAllText(full);
            return true;
        }

        if (allowBuiltIn && PlanDefaults.Files.TryGetValue(relative, out text))
        {
            displayName = BuiltInPrefix + relative;
            return true;
        }

        text = null;
        return false;
    }
}
