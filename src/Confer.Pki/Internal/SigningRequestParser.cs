using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Internal;

/// <summary>Loads a PEM PKCS#10 request, verifying its self-signature, and reads the common name it asks for.</summary>
internal static class SigningRequestParser
{
    public static CertificateRequest Parse(string pem, string source, PkiError error)
    {
        try
        {
            // Default options verify the request's signature with its own key, and ignore the extensions it asks for.
            return CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA384);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new PkiException(error, $"The certificate signing request in '{source}' is malformed or its signature does not verify ({ex.Message}). Generate the request again; do not edit it.", ex);
        }
    }

    public static string RequireCommonName(CertificateRequest request, string expected, string source)
    {
        var commonName = CertificateFactory.GetCommonName(request.SubjectName);
        if (!string.Equals(commonName, expected, StringComparison.Ordinal))
        {
            throw new PkiException(
                PkiError.NameMismatch,
                $"The certificate signing request in '{source}' is for common name '{commonName ?? "(none)"}', not '{expected}'. A certificate's common name must be the name it is used under; generate the request again for '{expected}'.");
        }

        return expected;
    }
}
