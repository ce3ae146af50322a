using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// A workspace's folders and small files, at OpenFL's places: <c>plan/</c> (plan.yaml, cols.yaml,
/// data.yaml, defaults/), <c>code/</c>, <c>cert/</c>, <c>save/</c>, <c>logs/</c>, <c>data/</c>,
/// <c>requirements.txt</c> and the <c>.workspace</c> marker naming the template and the Confer version.
/// </summary>
internal sealed partial class WorkspaceLayout(string directory)
{
    public const string MarkerFile = ".workspace";
    public const string RequirementsFile = "requirements.txt";

    /// <summary>The folders every workspace has, created empty where the template brings nothing.</summary>
    public static readonly string[] Folders = ["plan", "code", "cert", "save", "logs", "data"];

    public string Directory { get; } = Path.GetFullPath(directory);

    public string PlanFile => Path.Combine(Directory, "plan", "plan.yaml");

    public string ColsFile => Path.Combine(Directory, "plan", "cols.yaml");

    public string DataFile => Path.Combine(Directory, "plan", "data.yaml");

    public string Marker => Path.Combine(Directory, MarkerFile);

    public string Display(string path) => CommandConsole.Display(path, Directory);

    /// <summary>Refuses to go on when the folder holds no plan, naming the command that makes one.</summary>
    public void RequirePlan()
    {
        if (!File.Exists(PlanFile))
        {
            throw new LifecycleException(
                $"'{Directory}' is not a workspace: it has no plan/plan.yaml. Create one with `confer workspace create --prefix DIR --template NAME` "
                + "(or `confer workspace import --archive ZIP`), then run this command inside it or pass --workspace DIR.");
        }
    }

    /// <summary>Reads the template name and Confer version from <c>.workspace</c>; nulls when absent.</summary>
    public (string? Template, string? ConferVersion) ReadMarker()
    {
        if (!File.Exists(Marker))
        {
            return (null, null);
        }

        string? template = null;
        string? version = null;
        foreach (string line in File.ReadAllLines(Marker))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (key == "template")
            {
                template = value;
            }
            else if (key == "confer_version")
            {
                version = value;
            }
        }

        return (template, version);
    }

    public string WriteMarker(string template)
    {
        File.WriteAllText(Marker, $"# A Confer workspace; see docs/cli.md.\ntemplate: {template}\nconfer_version: {WorkspaceTemplates.ConferVersion}\n");
        return Marker;
    }

    /// <summary>The names in <c>plan/cols.yaml</c>, in file order.</summary>
    public List<string> ReadCollaborators()
    {
        if (!File.Exists(ColsFile))
        {
            return [];
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(ColsFile)));
        }
        catch (YamlException ex)
        {
            throw new LifecycleException($"{Display(ColsFile)}({ex.Start.Line},{ex.Start.Column}): {ex.Message} Fix the file (OpenFL's format: `collaborators: [alpha, beta]`) and run the command again.");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return [];
        }

        return root.Children.TryGetValue(new YamlScalarNode("collaborators"), out var node) && node is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty).ToList()
            : [];
    }

    /// <summary>Writes <c>plan/cols.yaml</c> with <paramref name="names"/>, in that order.</summary>
    public void WriteCollaborators(IReadOnlyList<string> names)
    {
        var text = new StringBuilder()
            .Append("# The collaborators authorized in this federation (OpenFL's plan/cols.yaml).\n")
            .Append("# `confer collaborator certify --request-pkg` adds each collaborator it certifies; `confer collaborator revoke` removes it.\n");
        if (names.Count == 0)
        {
            text.Append("collaborators: []\n");
        }
        else
        {
            text.Append("collaborators:\n");
            foreach (string name in names)
            {
                text.Append("  - ").Append(name).Append('\n');
            }
        }

        WriteAtomically(ColsFile, text.ToString());
    }

    /// <summary>
    /// Sets <paramref name="name"/>'s entry in <c>plan/data.yaml</c>, keeping every other line and the
    /// file's format (OpenFL's <c>name,value</c> lines, or a YAML mapping).
    /// </summary>
    /// <returns>The value the entry held before, or null.</returns>
    public string? SetCollaboratorData(string name, string value)
    {
        var lines = File.Exists(DataFile) ? File.ReadAllLines(DataFile).ToList() : [];
        int first = lines.FindIndex(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        bool yamlMap = first >= 0 && IsYamlMapLine(lines[first]);
        string entry = yamlMap ? $"{name}: {QuoteYaml(value)}" : $"{name},{value}";
        string? previous = null;
        int index = lines.FindIndex(l => EntryName(l, yamlMap) == name);
        if (index >= 0)
        {
            string line = lines[index];
            previous = yamlMap ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('"') : line[(line.IndexOf(',', StringComparison.Ordinal) + 1)..].Trim();
            lines[index] = entry;
        }
        else
        {
            lines.Add(entry);
        }

        WriteAtomically(DataFile, string.Join('\n', lines) + "\n");
        return previous;
    }

    /// <summary>The value of <paramref name="name"/>'s entry in <c>plan/data.yaml</c>, or null.</summary>
    public string? ReadCollaboratorData(string name)
    {
        if (!File.Exists(DataFile))
        {
            return null;
        }

        var lines = File.ReadAllLines(DataFile);
        string? first = lines.FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        bool yamlMap = first is not null && IsYamlMapLine(first);
        string? line = lines.FirstOrDefault(l => EntryName(l, yamlMap) == name);
        if (line is null)
        {
            return null;
        }

        return yamlMap
            ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('"')
            : line[(line.IndexOf(',', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>Checks a collaborator name against the plan's rule (stricter than the certificate's: it starts with a letter or digit).</summary>
    public static void ValidateCollaboratorName(string name)
    {
        if (!CollaboratorNamePattern().IsMatch(name))
        {
            throw new LifecycleException(
                $"'{name}' is not a valid collaborator name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it becomes the certificate's common name and part of file names).",
                ExitCodes.Usage);
        }
    }

    public static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, full, overwrite: true);
    }

    private static bool IsYamlMapLine(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        int comma = line.IndexOf(',', StringComparison.Ordinal);
        return colon >= 0 && (comma < 0 || colon < comma);
    }

    private static string? EntryName(string line, bool yamlMap)
    {
        string trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed.StartsWith('#'))
        {
            return null;
        }

        int separator = trimmed.IndexOf(yamlMap ? ':' : ',', StringComparison.Ordinal);
        return separator <= 0 ? null : trimmed[..separator].Trim().Trim('"', '\'');
    }

    private static string QuoteYaml(string value) =>
        PlainYamlPattern().IsMatch(value) ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CollaboratorNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_./][A-Za-z0-9_./-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainYamlPattern();
}
