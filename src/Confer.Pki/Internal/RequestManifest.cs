namespace Confer.Pki.Internal;

/// <summary>The <c>manifest.json</c> of a <c>col_NAME_to_agg_cert_request.zip</c>.</summary>
internal sealed class RequestManifest
{
    public const string FormatName = "confer.cert-request/1";

    public string? Format { get; set; }

    public string? Name { get; set; }

    public string? CsrFile { get; set; }

    public string? CsrSha384 { get; set; }
}
