using System.CommandLine;
using Confer.Cli.Commands.Lifecycle;
using Confer.Pki;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer aggregator</c>: OpenFL's <c>fx aggregator</c>. <c>generate-cert-request</c> makes the
/// aggregator's key and CSR, <c>certify</c> signs it with the workspace's CA; <c>start</c> runs the
/// aggregator.
/// </summary>
internal static class AggregatorCommand
{
    public static Command Create()
    {
        var command = new Command("aggregator", "Certify and run the aggregator (OpenFL's `fx aggregator`).");
        command.Subcommands.Add(GenerateCertRequestCommand());
        command.Subcommands.Add(CertifyCommand());
        command.Subcommands.Add(AggregatorStartCommand.Create());
        return command;
    }

    private static Option<string?> FqdnOption() => new("--fqdn")
    {
        Description = "The name collaborators dial, written into the certificate (default: this machine's FQDN, as OpenFL).",
    };

    private static Command GenerateCertRequestCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var fqdn = FqdnOption();
        var rsa = new Option<bool>("--rsa") { Description = "An RSA-3072 key instead of ECDSA P-384." };
        var force = new Option<bool>("--force") { Description = "Replace an existing key (its certificate must then be issued again)." };
        var command = new Command("generate-cert-request", "Generate the aggregator's private key and certificate signing request under cert/server/.")
        {
            workspace, fqdn, rsa, force,
        };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string directory = Path.GetFullPath(parse.GetValue(workspace)!);
            string name = parse.GetValue(fqdn) ?? MachineName.Fqdn();
            var result = AggregatorCertificates.GenerateRequest(directory, name, parse.GetValue(rsa) ? KeyAlgorithm.Rsa3072 : KeyAlgorithm.EcdsaP384, parse.GetValue(force));
            console.Line($"Generated the certificate request of aggregator '{result.Name}':");
            console.Wrote(result.KeyPath, "private key, mode 0600; never leaves this node", directory);
            console.Wrote(result.RequestPath, "certificate signing request", directory);
            console.Line($"CSR SHA-384: {result.CsrSha384}");
            console.Line($"Next: `confer aggregator certify --fqdn {result.Name}` in the workspace holding the CA.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CertifyCommand()
    {
        var workspace = LifecycleAction.WorkspaceOption();
        var fqdn = FqdnOption();
        var force = new Option<bool>("--force") { Description = "Issue again although a valid certificate exists; the old one is revoked." };
        var command = new Command("certify", "Sign the aggregator's request with the federation's CA and write cert/server/agg_FQDN.crt.") { workspace, fqdn, force };
        LifecycleAction.Set(command, (parse, console, _) =>
        {
            string directory = Path.GetFullPath(parse.GetValue(workspace)!);
            string name = parse.GetValue(fqdn) ?? MachineName.Fqdn();
            using var authority = CertificateAuthority.Open(directory);
            IssuedCertificate issued = authority.CertifyAggregator(name, parse.GetValue(force));
            console.Line($"Certified aggregator '{issued.Record.Name}' (serial {issued.Record.SerialNumber}, valid until {issued.Record.NotAfter:u}):");
            foreach (string file in issued.FilesWritten)
            {
                console.Wrote(file, file == issued.CertificatePath ? "server certificate" : "certificate authority record", directory);
            }

            foreach (var old in issued.Superseded)
            {
                console.Line($"  revoked the previous certificate {old.SerialNumber} (superseded)");
            }

            console.Line("Next: `confer workspace export`, and send the archive to each collaborator.");
            return ExitCodes.Success;
        });
        return command;
    }
}
