using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Confer.Pki.Tests;

/// <summary>An aggregator workspace with a CA and any number of collaborator workspaces, in a temporary folder removed on dispose.</summary>
internal sealed class TestFederation : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TestFederation(string root, FakeTimeProvider time, CertificateAuthority ca)
    {
        Root = root;
        Time = time;
        Ca = ca;
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; }

    public CertificateAuthority Ca { get; }

    public string AggregatorWorkspace => Path.Combine(Root, "aggregator");

    public CertificatePaths AggregatorPaths => new(AggregatorWorkspace);

    public static TestFederation Create(KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384)
    {
        var root = NewTempDirectory();
        var time = new FakeTimeProvider(Start);
        var ca = CertificateAuthority.Create(Path.Combine(root, "aggregator"), new CertificateAuthorityOptions { KeyAlgorithm = algorithm }, time);
        return new TestFederation(root, time, ca);
    }

    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "confer-pki-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public string CollaboratorWorkspace(string name) => Path.Combine(Root, $"collaborator-{name}");

    public IssuedCertificate CertifyAggregator(string fqdn = "localhost", KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384)
    {
        AggregatorCertificates.GenerateRequest(AggregatorWorkspace, fqdn, algorithm);
        return Ca.CertifyAggregator(fqdn);
    }

    public CertificateRequestResult RequestCollaborator(string name, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384) =>
        CollaboratorCertificates.GenerateRequest(CollaboratorWorkspace(name), name, algorithm);

    public (CertificateRequestResult Request, IssuedCertificate Issued, CollaboratorImportResult Imported) EnrollCollaborator(string name, KeyAlgorithm algorithm = KeyAlgorithm.EcdsaP384)
    {
        var request = RequestCollaborator(name, algorithm);
        var issued = Ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384);
        var imported = CollaboratorCertificates.Import(CollaboratorWorkspace(name), issued.SignedPackagePath!, Ca.Trust.RootFingerprintSha256, timeProvider: Time);
        return (request, issued, imported);
    }

    public X509Certificate2 CollaboratorCertificate(string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(new CertificatePaths(CollaboratorWorkspace(name)).CollaboratorCertificate(name)));

    public X509Certificate2 AggregatorCertificate(string fqdn = "localhost") =>
        X509Certificate2.CreateFromPem(File.ReadAllText(AggregatorPaths.AggregatorCertificate(fqdn)));

    public CollaboratorCertificateValidator CreateValidator() =>
        new(Ca.Trust, DatabaseRevocationSource.ForWorkspace(AggregatorWorkspace), Time);

    /// <summary>Every file under the root with its bytes, to show that a refused operation changed nothing.</summary>
    public Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".lock", StringComparison.Ordinal))
            .ToDictionary(p => p, p => Convert.ToBase64String(File.ReadAllBytes(p)));

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    public static Dictionary<string, byte[]> Unzip(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    /// <summary>Writes a request package the way a well-behaved collaborator would, around any CSR bytes.</summary>
    public static void WriteRequestPackage(string path, string name, byte[] csr) =>
        File.WriteAllBytes(path, CertificateRequestPackage.Create(name, csr, Confer.Pki.Internal.Hashes.Sha384Hex(csr)));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose()
    {
        Ca.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; a failing test is not.
        }
    }
}
