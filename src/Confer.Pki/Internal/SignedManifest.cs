namespace Confer.Pki.Internal;

/// <summary>The <c>manifest.json</c> of an <c>agg_to_col_NAME_signed_cert.zip</c>.</summary>
internal sealed class SignedManifest
{
    public const string FormatName = "confer.signed-cert/1";

    public string? Format { get; set; }

    public string? Name { get; set; }

    public string? SerialNumber { get; set; }

    public string? CertificateFile { get; set; }

    public string? RootFingerprintSha256 { get; set; }
}
