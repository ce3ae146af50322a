using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// A collaborator's certificate request package, <c>col_NAME_to_agg_cert_request.zip</c>: the CSR
/// <c>col_NAME.csr</c> and a <c>manifest.json</c> naming the collaborator and the CSR's SHA-384. It never
/// holds a private key. <see cref="Read"/> checks everything the CA needs before the operator is asked
/// to confirm <see cref="CsrSha384"/>.
/// </summary>
public sealed partial class CertificateRequestPackage
{
    private const string What = "Certificate request package";
    private const string Remedy = "Ask the collaborator to run `confer collaborator generate-cert-request -n NAME` again and send the new package.";

    private CertificateRequestPackage(string path, string collaboratorName, string csrPem, string csrSha384, string keyDescription, CertificateRequest request)
    {
        PackagePath = path;
        CollaboratorName = collaboratorName;
        CsrPem = csrPem;
        CsrSha384 = csrSha384;
        KeyDescription = keyDescription;
        Request = request;
    }

    /// <summary>The package file read.</summary>
    public string PackagePath { get; }

    /// <summary>The collaborator label the package asks a certificate for; equal to the CSR's common name.</summary>
    public string CollaboratorName { get; }

    /// <summary>The CSR, PEM.</summary>
    public string CsrPem { get; }

    /// <summary>SHA-384 of the CSR file's bytes, lower-case hexadecimal (what <c>sha384sum col_NAME.csr</c> prints). Confirm it with the collaborator out of band before signing.</summary>
    public string CsrSha384 { get; }

    /// <summary>The requested key, such as "ECDSA P-384" or "RSA-3072".</summary>
    public string KeyDescription { get; }

    internal CertificateRequest Request { get; }

    /// <summary>
    /// Reads and checks a request package: a small zip (at most 1 MiB, 64 KiB per entry) with exactly a
    /// manifest and the CSR it names, the manifest's hash equal to the CSR's, a CSR whose signature verifies,
    /// whose common name is the package's collaborator name, and whose key is strong enough.
    /// </summary>
    /// <param name="packagePath">The <c>col_NAME_to_agg_cert_request.zip</c> file.</param>
    /// <returns>The checked package.</returns>
    /// <exception cref="PkiException">The package is missing, malformed, altered, or names a different collaborator than its CSR.</exception>
    public static CertificateRequestPackage Read(string packagePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packagePath);
        var path = Path.GetFullPath(packagePath);
        var entries = PackageArchive.Read(path, What, Remedy);
        var manifest = PackageArchive.ReadManifest(entries, PkiJsonContext.Default.RequestManifest, path, What, Remedy);
        if (manifest.Format != RequestManifest.FormatName)
        {
            throw PackageArchive.Malformed(path, What, $"its manifest format is '{manifest.Format}', expected '{RequestManifest.FormatName}'", Remedy);
        }

        var name = manifest.Name;
        if (!PkiNames.IsValidCollaboratorName(name))
        {
            throw PackageArchive.Malformed(path, What, $"its manifest names collaborator '{name}', which is not a valid collaborator name", Remedy);
        }

        var match = PackageFileNamePattern().Match(Path.GetFileName(path));
        if (match.Success && match.Groups[1].Value != name)
        {
            throw new PkiException(
                PkiError.NameMismatch,
                $"{What} '{path}' is named for collaborator '{match.Groups[1].Value}' but its manifest asks for '{name}'. Packages are not to be renamed; ask the collaborator for the original.");
        }

        var csrFile = $"col_{name}.csr";
        if (manifest.CsrFile != csrFile)
        {
            throw PackageArchive.Malformed(path, What, $"its manifest names CSR file '{manifest.CsrFile}', expected '{csrFile}'", Remedy);
        }

        PackageArchive.RefuseUnexpectedEntries(entries, [PackageArchive.ManifestFile, csrFile], path, What, Remedy);
        var csrBytes = entries.GetValueOrDefault(csrFile) ?? throw PackageArchive.Malformed(path, What, $"it has no entry '{csrFile}'", Remedy);
        var hash = Hashes.Sha384Hex(csrBytes);
        if (manifest.CsrSha384 is null || Hashes.Normalize(manifest.CsrSha384) != hash)
        {
            throw new PkiException(
                PkiError.MalformedPackage,
                $"{What} '{path}' was altered: its manifest gives CSR SHA-384 '{manifest.CsrSha384}' but '{csrFile}' hashes to '{hash}'. {Remedy}");
        }

        var pem = PackageArchive.ReadText(entries, csrFile, path, What, Remedy);
        var request = SigningRequestParser.Parse(pem, $"{path}!{csrFile}", PkiError.MalformedPackage);
        SigningRequestParser.RequireCommonName(request, name, $"{path}!{csrFile}");
        var keyDescription = KeyMaterial.CheckStrength(request.PublicKey, $"collaborator '{name}'");
        return new CertificateRequestPackage(path, name, pem, hash, keyDescription, request);
    }

    internal static byte[] Create(string name, byte[] csrBytes, string csrSha384)
    {
        var manifest = new RequestManifest { Format = RequestManifest.FormatName, Name = name, CsrFile = $"col_{name}.csr", CsrSha384 = csrSha384 };
        return PackageArchive.Write(
        [
            new(PackageArchive.ManifestFile, JsonSerializer.SerializeToUtf8Bytes(manifest, PkiJsonContext.Default.RequestManifest)),
            new(manifest.CsrFile, csrBytes),
        ]);
    }

    internal static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    [GeneratedRegex("^col_(.+)_to_agg_cert_request\\.zip$", RegexOptions.CultureInvariant)]
    private static partial Regex PackageFileNamePattern();
}
