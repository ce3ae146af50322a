using System.Reflection;
using System.Text;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The workspace templates shipped inside the tool (<c>src/Confer.Cli/Templates/NAME/</c>, embedded
/// as resources named <c>Templates/NAME/PATH</c>): each holds <c>template.yaml</c> (its description,
/// not copied), <c>plan/</c>, <c>code/</c> and <c>requirements.txt</c>.
/// </summary>
internal static class WorkspaceTemplates
{
    private const string Prefix = "Templates/";
    private const string MetadataFile = "template.yaml";
    private const string DescriptionKey = "description:";

    /// <summary>The template names, sorted, with their one-line descriptions.</summary>
    public static IReadOnlyList<(string Name, string Description)> List()
    {
        return ResourceNames()
            .Select(r => r[Prefix.Length..])
            .Where(r => r.Contains('/', StringComparison.Ordinal))
            .Select(r => r[..r.IndexOf('/', StringComparison.Ordinal)])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name => (name, Describe(name)))
            .ToList();
    }

    public static bool Exists(string name) => List().Any(t => t.Name == name);

    /// <summary>The template's files by workspace-relative path (forward slashes), without its metadata file.</summary>
    public static IReadOnlyList<(string Path, string Text)> Files(string name)
    {
        string prefix = $"{Prefix}{name}/";
        return ResourceNames()
            .Where(r => r.StartsWith(prefix, StringComparison.Ordinal) && r != prefix + MetadataFile)
            .Order(StringComparer.Ordinal)
            .Select(r => (r[prefix.Length..], Read(r)))
            .ToList();
    }

    private static string Describe(string name)
    {
        string resource = $"{Prefix}{name}/{MetadataFile}";
        if (!ResourceNames().Contains(resource))
        {
            return string.Empty;
        }

        string? line = Read(resource)
            .Split('\n')
            .FirstOrDefault(l => l.StartsWith(DescriptionKey, StringComparison.Ordinal));
        return line is null ? string.Empty : line[DescriptionKey.Length..].Trim();
    }

    private static IEnumerable<string> ResourceNames() =>
        typeof(WorkspaceTemplates).Assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal));

    private static string Read(string resource)
    {
        using Stream stream = typeof(WorkspaceTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The tool is missing its resource '{resource}'; reinstall Confer.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The version of this tool, written into new workspaces and checked on import.</summary>
    public static string ConferVersion =>
        typeof(WorkspaceTemplates).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(WorkspaceTemplates).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";
}
