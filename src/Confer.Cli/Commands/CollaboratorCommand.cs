using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Pki;
using Spectre.Console;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer collaborator</c>: OpenFL's <c>fx collaborator</c>. <c>generate-cert-request</c> runs on
/// the collaborator's node, <c>certify --request-pkg</c> and <c>revoke</c> on the aggregator's,
/// <c>certify --import</c> back on the collaborator's; <c>start</c> runs the collaborator.
/// </summary>
internal static class CollaboratorCommand
{
    public static Command Create()
    {
        var command = new Command("collaborator", "Certify, revoke and run collaborators (OpenFL's `fx collaborator`).");
        command.Subcommands.Add(GenerateCertRequestCommand());
        command.Subcommands.Add(CertifyCommand());
        command.Subcommands.Add(RevokeCommand());
        command.Subcommands.Add(CollaboratorStartCommand.Create());
        return command;
    }

    private static Option<string> NameOption(string description) => new("--collaborator-name", "-n") { Description = description, Required = true };

    private static Command GenerateCertRequestCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var name = NameOption("The collaborator's name: its certificate's common name and its entry in plan/cols.yaml and plan/data.yaml.");
        var dataPath = new Option<string?>("--data-path", "-d")
        {
            Description = "This collaborator's data: a shard number (e.g. 1) or a folder. Asked for when left out and a terminal is attached.",
        };
        var rsa = new Option<bool>("--rsa") { Description = "An RSA-3072 key instead of ECDSA P-384." };
        var force = new Option<bool>("--force") { Description = "Replace an existing key (a certificate issued for the old key stops working)." };
        var command = new Command(
            "generate-cert-request",
            "Record this collaborator's data in plan/data.yaml, generate its key and CSR, and write col_NAME_to_agg_cert_request.zip for the aggregator's operator.")
        {
            workspace, name, dataPath, rsa, force,
        };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            var layout = new WorkspaceLayout(parse.GetValue(workspace)!);
            layout.RequirePlan();
            string collaborator = parse.GetValue(name)!;
            WorkspaceLayout.ValidateCollaboratorName(collaborator);
            string data = ResolveDataPath(console, layout, collaborator, parse.GetValue(dataPath));
            string? previous = layout.SetCollaboratorData(collaborator, data);
            var result = CollaboratorCertificates.GenerateRequest(
                layout.Directory, collaborator, parse.GetValue(rsa) ? KeyAlgorithm.Rsa3072 : KeyAlgorithm.EcdsaP384, force: parse.GetValue(force));
            console.Line($"Collaborator '{collaborator}':");
            console.Wrote(layout.DataFile, previous is null || previous == data ? $"data: {data}" : $"data: {data} (was {previous})", layout.Directory);
            console.Wrote(result.KeyPath, "private key, mode 0600; never leaves this node", layout.Directory);
            console.Wrote(result.RequestPath, "certificate signing request", layout.Directory);
            console.Wrote(result.PackagePath!, "request package for the aggregator's operator", layout.Directory);
            console.Line($"CSR SHA-384: {result.CsrSha384}");
            console.Line($"Send {Path.GetFileName(result.PackagePath)} to the aggregator's operator and read them this hash over a channel you both trust.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ResolveDataPath(CommandConsole console, WorkspaceLayout layout, string collaborator, string? given)
    {
        if (given is not null)
        {
            return CheckDataPath(given);
        }

        string? existing = layout.ReadCollaboratorData(collaborator);
        if (console.Interactive)
        {
            var prompt = new TextPrompt<string>($"Data path or shard number for collaborator [green]{Markup.Escape(collaborator)}[/]:")
                .Validate(value => TryCheckDataPath(value, out string? problem) ? ValidationResult.Success() : ValidationResult.Error(problem!));
            if (existing is not null)
            {
                prompt.DefaultValue(existing);
            }

            return CheckDataPath(console.Ansi.Prompt(prompt));
        }

        if (existing is not null)
        {
            console.Line($"Using the data already in {layout.Display(layout.DataFile)} for '{collaborator}': {existing}");
            return existing;
        }

        throw new LifecycleException(
            $"No data path for collaborator '{collaborator}', and no terminal to ask for one. Pass --data-path VALUE: a shard number (e.g. 1) or the folder holding this collaborator's data.",
            ExitCodes.Usage);
    }

    private static string CheckDataPath(string value) =>
        TryCheckDataPath(value, out string? problem) ? value.Trim() : throw new LifecycleException(problem!, ExitCodes.Usage);

    private static bool TryCheckDataPath(string value, out string? problem)
    {
        string trimmed = value.Trim();
        problem = trimmed.Length == 0
            ? "The data path is empty. Give a shard number (e.g. 1) or a folder."
            : trimmed.Any(char.IsControl)
                ? "The data path holds a line break or another control character; give a shard number or a folder on one line."
                : trimmed.StartsWith('#')
                    ? $"The data path '{trimmed}' starts with '#', which plan/data.yaml would read as a comment."
                    : null;
        return problem is null;
    }

    private static Command CertifyCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var requestPackage = new Option<string?>("--request-pkg", "-r") { Description = "On the aggregator: the col_NAME_to_agg_cert_request.zip to sign." };
        var import = new Option<string?>("--import", "-i") { Description = "On the collaborator: the agg_to_col_NAME_signed_cert.zip to import." };
        var hash = new Option<string?>("--hash") { Description = "The CSR SHA-384 the collaborator's operator read to you; signing is refused if the package's differs." };
        var yes = new Option<bool>("--yes", "--silent", "-s") { Description = "Sign without comparing the hash (OpenFL's --silent): trusts whoever delivered the package." };
        var rootFingerprint = new Option<string?>("--root-fingerprint") { Description = "With --import: the root CA SHA-256 fingerprint the aggregator's operator read to you; the import is refused if it differs." };
        var force = new Option<bool>("--force") { Description = "Sign although the collaborator holds a valid certificate (the old one is revoked), or import over another federation's chain." };
        var command = new Command("certify", "Sign a collaborator's request (--request-pkg, on the aggregator) or import the signed certificate (--import, on the collaborator).")
        {
            workspace, requestPackage, import, hash, yes, rootFingerprint, force,
        };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string directory = Path.GetFullPath(parse.GetValue(workspace)!);
            string? package = parse.GetValue(requestPackage);
            string? signed = parse.GetValue(import);
            if ((package is null) == (signed is null))
            {
                return console.Fail("Pass exactly one of --request-pkg PATH (on the aggregator) or --import PATH (on the collaborator).", ExitCodes.Usage);
            }

            return package is not null
                ? Sign(console, directory, package, parse.GetValue(hash), parse.GetValue(yes), parse.GetValue(force))
                : Import(console, directory, signed!, parse.GetValue(rootFingerprint), parse.GetValue(force));
        });
        return command;
    }

    private static int Sign(CommandConsole console, string directory, string packagePath, string? hash, bool yes, bool force)
    {
        using var authority = CertificateAuthority.Open(directory);
        var package = CertificateRequestPackage.Read(packagePath);
        console.Line($"Request of collaborator '{package.CollaboratorName}' ({package.KeyDescription}) in {packagePath}");
        console.Line($"CSR SHA-384: {package.CsrSha384}");
        string? confirmed;
        if (hash is not null)
        {
            confirmed = hash;
        }
        else if (yes)
        {
            console.Warn("signing without comparing the hash (--yes): this trusts whoever delivered the package.");
            confirmed = null;
        }
        else if (console.Interactive)
        {
            if (!console.Ansi.Confirm($"Did the operator of [green]{Markup.Escape(package.CollaboratorName)}[/] read you this same hash?", defaultValue: false))
            {
                return console.Fail("Not signed: the hashes were not confirmed. Compare them with the collaborator's operator, then run the command again.");
            }

            confirmed = package.CsrSha384;
        }
        else
        {
            return console.Fail(
                "No terminal to confirm the CSR hash. Pass --hash SHA384 with the hash the collaborator's operator read to you, or --yes to sign without comparing.",
                ExitCodes.Usage);
        }

        IssuedCertificate issued = authority.CertifyCollaborator(package, confirmed, force: force);
        console.Line($"Certified collaborator '{issued.Record.Name}' (serial {issued.Record.SerialNumber}, valid until {issued.Record.NotAfter:u}):");
        foreach (string file in issued.FilesWritten)
        {
            console.Wrote(
                file,
                file == issued.CertificatePath ? "client certificate" : file == issued.SignedPackagePath ? "signed package to send back" : "certificate authority record",
                directory);
        }

        foreach (var old in issued.Superseded)
        {
            console.Line($"  revoked the previous certificate {old.SerialNumber} (superseded)");
        }

        var layout = new WorkspaceLayout(directory);
        if (Directory.Exists(Path.GetDirectoryName(layout.ColsFile)))
        {
            var names = layout.ReadCollaborators();
            if (!names.Contains(issued.Record.Name, StringComparer.Ordinal))
            {
                names.Add(issued.Record.Name);
                layout.WriteCollaborators(names);
                console.Wrote(layout.ColsFile, $"authorized {issued.Record.Name}", directory);
            }
        }

        console.Line($"Root CA SHA-256 fingerprint: {authority.Trust.RootFingerprintSha256}");
        console.Line($"Send {Path.GetFileName(issued.SignedPackagePath)} back and read the fingerprint to the collaborator's operator; they run `confer collaborator certify --import {Path.GetFileName(issued.SignedPackagePath)}`.");
        return ExitCodes.Success;
    }

    private static int Import(CommandConsole console, string directory, string packagePath, string? rootFingerprint, bool force)
    {
        CollaboratorImportResult imported = CollaboratorCertificates.Import(directory, packagePath, rootFingerprint, force);
        console.Line($"Imported the certificate of collaborator '{imported.Name}' (serial {imported.SerialNumber}, valid until {imported.NotAfter:u}):");
        foreach (string file in imported.FilesWritten)
        {
            console.Wrote(file, file == imported.CertificatePath ? "client certificate" : "the federation's CA chain", directory);
        }

        console.Line($"Root CA SHA-256 fingerprint: {imported.RootFingerprintSha256}");
        if (rootFingerprint is null)
        {
            console.Line("Compare it with the fingerprint the aggregator's operator read to you (or pass it with --root-fingerprint next time).");
        }

        console.Line($"Next: `confer collaborator start -n {imported.Name}` once the aggregator runs.");
        return ExitCodes.Success;
    }

    private static Command RevokeCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var name = NameOption("The collaborator to revoke.");
        var command = new Command("revoke", "Revoke a collaborator's certificates and remove it from plan/cols.yaml; a running aggregator refuses its next call.") { workspace, name };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string directory = Path.GetFullPath(parse.GetValue(workspace)!);
            string collaborator = parse.GetValue(name)!;
            using var authority = CertificateAuthority.Open(directory);
            var revoked = authority.RevokeCollaborator(collaborator);
            console.Line($"Revoked collaborator '{collaborator}':");
            foreach (var record in revoked)
            {
                console.Line($"  certificate {record.SerialNumber} revoked at {record.RevokedAt:u}");
            }

            console.Wrote(authority.Paths.Database, "certificate database", directory);
            console.Wrote(authority.Paths.RevocationList, "revocation list", directory);
            var layout = new WorkspaceLayout(directory);
            var names = layout.ReadCollaborators();
            if (names.Remove(collaborator))
            {
                layout.WriteCollaborators(names);
                console.Wrote(layout.ColsFile, $"removed {collaborator}", directory);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
