using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;

namespace Confer.EndToEnd.Tests;

/// <summary>The paper's CLI steps up to a fully certified federation, run with the built <c>confer</c> binary.</summary>
public sealed class LifecycleCertificationTests
{
    [Fact]
    public async Task PaperSteps_OneAggregatorTwoCollaborators_EveryNodeCertifiedUnderOneCa()
    {
        using LifecycleFederation federation = await LifecycleFederation.CertifyAsync("alpha", "beta");
        string transcript = string.Join("\n\n", federation.Transcript);

        // Every node trusts the same chain, and agrees on the plan.
        string chain = File.ReadAllText(Path.Combine(federation.Aggregator, "cert", "cert_chain.crt"));
        var hashes = new List<string>();
        foreach (string workspace in federation.Collaborators.Select(federation.CollaboratorWorkspace).Prepend(federation.Aggregator))
        {
            Assert.Equal(chain, File.ReadAllText(Path.Combine(workspace, "cert", "cert_chain.crt")));
            LifecycleResult print = await LifecycleConfer.RunOkAsync(workspace, "plan", "print");
            hashes.Add(LifecycleFederation.ValueAfter(print.Output, "federation id (SHA-384):"));
        }

        Assert.Single(hashes.Distinct());
        var trust = new X509Certificate2Collection();
        trust.ImportFromPem(chain);
        X509Certificate2 root = trust.Single(c => c.Subject == c.Issuer);

        // The aggregator's certificate names the address collaborators dial.
        using X509Certificate2 server = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(federation.Aggregator, "cert", "server", "agg_localhost.crt")));
        Assert.Contains("localhost", server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        AssertChainsTo(server, trust, root);

        foreach (string name in federation.Collaborators)
        {
            string workspace = federation.CollaboratorWorkspace(name);
            using X509Certificate2 client = X509Certificate2.CreateFromPem(
                File.ReadAllText(Path.Combine(workspace, "cert", "client", $"col_{name}.crt")),
                File.ReadAllText(Path.Combine(workspace, "cert", "client", $"col_{name}.key")));
            Assert.Equal(name, client.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
            Assert.True(client.HasPrivateKey);
            AssertChainsTo(client, trust, root);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(
                    UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    File.GetUnixFileMode(Path.Combine(workspace, "cert", "client", $"col_{name}.key")));
            }

            Assert.False(Directory.Exists(Path.Combine(workspace, "cert", "ca")), transcript);
            Assert.Contains($"{name},", File.ReadAllText(Path.Combine(workspace, "plan", "data.yaml")), StringComparison.Ordinal);
        }

        // Certifying authorized both collaborators; the export carried no secret.
        string cols = File.ReadAllText(Path.Combine(federation.Aggregator, "plan", "cols.yaml"));
        Assert.Contains("- alpha", cols, StringComparison.Ordinal);
        Assert.Contains("- beta", cols, StringComparison.Ordinal);
        using ZipArchive archive = ZipFile.OpenRead(federation.ArchivePath);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            Assert.False(entry.FullName.StartsWith("cert/", StringComparison.Ordinal), entry.FullName);
            using var reader = new StreamReader(entry.Open());
            Assert.DoesNotContain("PRIVATE KEY", reader.ReadToEnd(), StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(federation.Aggregator, "save", "echo_init.pbuf")), transcript);
    }

    private static void AssertChainsTo(X509Certificate2 leaf, X509Certificate2Collection trust, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(root.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
    }
}
