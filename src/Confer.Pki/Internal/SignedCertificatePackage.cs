using System.Text;
using System.Text.Json;

namespace Confer.Pki.Internal;

/// <summary>The package the CA sends back, <c>agg_to_col_NAME_signed_cert.zip</c>: the certificate, <c>cert_chain.crt</c> and a manifest.</summary>
internal static class SignedCertificatePackage
{
    public const string ChainFile = "cert_chain.crt";

    public static byte[] Create(string name, string certificatePem, FederationTrust trust, string serialNumber)
    {
        var utf8 = new UTF8Encoding(false);
        var manifest = new SignedManifest
        {
            Format = SignedManifest.FormatName,
            Name = name,
            SerialNumber = serialNumber,
            CertificateFile = $"col_{name}.crt",
            RootFingerprintSha256 = trust.RootFingerprintSha256,
        };
        return PackageArchive.Write(
        [
            new(PackageArchive.ManifestFile, JsonSerializer.SerializeToUtf8Bytes(manifest, PkiJsonContext.Default.SignedManifest)),
            new(manifest.CertificateFile, utf8.GetBytes(certificatePem)),
            new(ChainFile, utf8.GetBytes(trust.ExportPem())),
        ]);
    }
}
