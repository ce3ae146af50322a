using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Pki;
using Confer.Plan;
using Spectre.Console;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer workspace</c>: OpenFL's <c>fx workspace</c>. <c>create</c> makes a workspace from a
/// template, <c>export</c> zips what collaborators need, <c>import</c> unpacks it on a
/// collaborator's node, <c>certify</c> creates the federation's certificate authority.
/// </summary>
internal static class WorkspaceCommand
{
    public static Command Create()
    {
        var command = new Command("workspace", "Create, export, import and certify federation workspaces (OpenFL's `fx workspace`).");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ExportCommand());
        command.Subcommands.Add(ImportCommand());
        command.Subcommands.Add(CertifyCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var prefix = new Option<string?>("--prefix") { Description = "The folder to create the workspace in; it must not exist or be empty." };
        var template = new Option<string?>("--template") { Description = "The template to start from; leave it out to list the templates." };
        var command = new Command("create", "Create a workspace from a template (no --template: list the templates).") { prefix, template };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string? name = parse.GetValue(template);
            string? directory = parse.GetValue(prefix);
            if (name is null)
            {
                WriteTemplates(console);
                return directory is null
                    ? ExitCodes.Success
                    : console.Fail("Choose a template with --template NAME (listed above).", ExitCodes.Usage);
            }

            if (!WorkspaceTemplates.Exists(name))
            {
                console.Error.WriteLine($"error: there is no template '{name}'. Choose one of these with --template NAME:");
                foreach (var (known, description) in WorkspaceTemplates.List())
                {
                    console.Error.WriteLine($"  {known,-28} {description}");
                }

                return ExitCodes.Usage;
            }

            if (directory is null)
            {
                return console.Fail("Say where to create the workspace with --prefix DIR.", ExitCodes.Usage);
            }

            return Create(console, Path.GetFullPath(directory), name);
        });
        return command;
    }

    private static int Create(CommandConsole console, string directory, string template)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            return console.Fail($"'{directory}' already exists and is not empty. Choose another --prefix, or remove the folder first.");
        }

        var layout = new WorkspaceLayout(directory);
        console.Line($"Creating workspace '{directory}' from template '{template}':");
        foreach (string folder in WorkspaceLayout.Folders)
        {
            Directory.CreateDirectory(Path.Combine(directory, folder));
        }

        foreach (var (path, text) in WorkspaceTemplates.Files(template))
        {
            string target = Path.Combine(directory, path);
            WorkspaceLayout.WriteAtomically(target, text.Replace("{confer_version}", WorkspaceTemplates.ConferVersion, StringComparison.Ordinal));
            console.Wrote(target, Describe(path), directory);
        }

        foreach (var (path, text) in PlanDefaults.Files)
        {
            string target = Path.Combine(directory, path);
            if (!File.Exists(target))
            {
                WorkspaceLayout.WriteAtomically(target, text);
                console.Wrote(target, "defaults merged under the plan's sections", directory);
            }
        }

        console.Wrote(layout.WriteMarker(template), "the template and Confer version", directory);
        console.Line($"  made folders {string.Join(", ", WorkspaceLayout.Folders.Select(f => f + "/"))}");

        // A template that does not validate would only fail later, on another machine.
        FederationPlan plan = LifecyclePlanTypes.ForWorkspace(directory, console.Line, console.Error.WriteLine).Load(directory);
        console.Line($"The plan is valid (task runner {plan.TaskRunner.Name}, data loader {plan.DataLoader.Name}, {plan.Aggregator.RoundsToTrain} rounds).");
        console.Line("Next, in the workspace: `confer plan initialize` (add `-a FQDN` for the aggregator's address), then `confer workspace certify`.");
        return ExitCodes.Success;
    }

    private static string Describe(string path) => path switch
    {
        "plan/plan.yaml" => "the plan",
        "plan/cols.yaml" => "authorized collaborators, empty until certified",
        "plan/data.yaml" => "collaborators' data paths or shards",
        WorkspaceLayout.RequirementsFile => "the packages a node needs",
        _ when path.StartsWith("code/", StringComparison.Ordinal) => "model code",
        _ => "template file",
    };

    private static void WriteTemplates(CommandConsole console)
    {
        var table = new Table().AddColumns("template", "description");
        foreach (var (name, description) in WorkspaceTemplates.List())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(description));
        }

        console.Line("Templates for `confer workspace create --prefix DIR --template NAME`:");
        console.Ansi.Write(table);
    }

    private static Command ExportCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var output = new Option<string?>("--output", "-o") { Description = "The archive to write (default: WORKSPACE/NAME.zip, NAME being the workspace folder's name)." };
        var command = new Command("export", "Zip the plan, the code and the dependency list for the collaborators; freezes the plan first. Never includes keys, certificates, states, logs or data.")
        {
            workspace, output,
        };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            var layout = new WorkspaceLayout(parse.GetValue(workspace)!);
            layout.RequirePlan();
            FederationPlan plan = LifecyclePlanTypes.ForWorkspace(layout.Directory, console.Line, console.Error.WriteLine).Load(layout.Directory);
            if (!plan.IsFrozen)
            {
                FrozenPlanFiles frozen = PlanFreezer.Freeze(plan);
                console.Line("Froze the plan, so every node agrees on the same one:");
                console.Wrote(frozen.PlanPath, "the plan in canonical form", layout.Directory);
                console.Wrote(frozen.HashPath, "its SHA-384", layout.Directory);
            }

            string archive = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(layout.Directory, Path.GetFileName(layout.Directory) + ".zip"));
            IReadOnlyList<string> entries = WorkspaceArchive.Export(layout, archive);
            console.Line($"Exported {entries.Count} files to {archive}:");
            foreach (string entry in entries)
            {
                console.Line($"  {entry}");
            }

            console.Line($"Plan hash (federation id): {plan.Hash}");
            console.Line("Send the archive to each collaborator; they run `confer workspace import --archive " + Path.GetFileName(archive) + "`.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ImportCommand()
    {
        var archive = new Option<string>("--archive") { Description = "The zip `confer workspace export` wrote.", Required = true };
        var prefix = new Option<string?>("--prefix") { Description = "The folder to unpack into (default: ./NAME for NAME.zip); it must not exist or be empty." };
        var command = new Command("import", "Unpack an exported workspace on a collaborator's node.") { archive, prefix };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string archivePath = Path.GetFullPath(parse.GetValue(archive)!);
            string target = Path.GetFullPath(parse.GetValue(prefix) ?? Path.GetFileNameWithoutExtension(archivePath));
            IReadOnlyList<string> written = WorkspaceArchive.Import(archivePath, target);
            var layout = new WorkspaceLayout(target);
            console.Line($"Imported {archivePath} into {target}:");
            foreach (string file in written)
            {
                console.Wrote(file, "from the archive", target);
            }

            console.Line($"  made folders {string.Join(", ", WorkspaceLayout.Folders.Select(f => f + "/"))}");
            var (template, version) = layout.ReadMarker();
            if (version is not null && version != WorkspaceTemplates.ConferVersion)
            {
                console.Warn($"the workspace was exported by Confer {version}; this is Confer {WorkspaceTemplates.ConferVersion}. Install the version in requirements.txt if the plan does not load.");
            }

            string requirements = Path.Combine(target, WorkspaceLayout.RequirementsFile);
            if (File.Exists(requirements))
            {
                console.Line("Dependencies (requirements.txt):");
                foreach (string line in File.ReadAllLines(requirements).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
                {
                    console.Line($"  {line.Trim()}");
                }
            }

            FederationPlan plan = LifecyclePlanTypes.ForWorkspace(target, console.Line, console.Error.WriteLine).Load(target);
            console.Line($"Template {template ?? "unknown"}; plan hash (federation id): {plan.Hash}");
            console.Line("Compare the hash with the aggregator's operator, then request a certificate: `confer collaborator generate-cert-request -n NAME`.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CertifyCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var rsa = new Option<bool>("--rsa") { Description = "RSA-3072 keys with SHA-384 instead of ECDSA P-384." };
        var command = new Command("certify", "Create the federation's certificate authority (root and signing CA) in the aggregator's workspace.") { workspace, rsa };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string directory = Path.GetFullPath(parse.GetValue(workspace)!);
            var algorithm = parse.GetValue(rsa) ? KeyAlgorithm.Rsa3072 : KeyAlgorithm.EcdsaP384;
            using var authority = CertificateAuthority.Create(directory, new CertificateAuthorityOptions { KeyAlgorithm = algorithm });
            var paths = authority.Paths;
            console.Line($"Created the federation's certificate authority ({(algorithm == KeyAlgorithm.Rsa3072 ? "RSA-3072, SHA-384" : "ECDSA P-384, SHA-384")}):");
            console.Wrote(paths.RootCaCertificate, "root CA certificate", directory);
            console.Wrote(paths.RootCaKey, "root CA key, mode 0600; may be moved offline", directory);
            console.Wrote(paths.SigningCaCertificate, "signing CA certificate", directory);
            console.Wrote(paths.SigningCaKey, "signing CA key, mode 0600", directory);
            console.Wrote(paths.Database, "certificate database", directory);
            console.Wrote(paths.RevocationList, "revocation list", directory);
            console.Wrote(paths.CertChain, "the chain every node trusts", directory);
            console.Line($"Root CA SHA-256 fingerprint: {authority.Trust.RootFingerprintSha256}");
            console.Line("Next: `confer aggregator generate-cert-request` and `confer aggregator certify` (both with --fqdn if the aggregator is not this machine).");
            return ExitCodes.Success;
        });
        return command;
    }
}
