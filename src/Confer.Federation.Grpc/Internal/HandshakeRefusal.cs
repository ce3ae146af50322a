using System.Security.Authentication;
using Confer.Pki;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A TLS handshake the aggregator refused, seen from the collaborator: the aggregator accepts only
/// certificates of its federation's CA, so it ends the handshake with an alert, and this side is
/// the one that knows which certificate it presented and can say so.
/// </summary>
internal static class HandshakeRefusal
{
    /// <summary>The handshake failure in <paramref name="exception"/>'s chain, or null when there is none.</summary>
    public static Exception? Find(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>The certificate this collaborator presented, in words.</summary>
    public static string Describe(NodeCredential? credential) =>
        credential is null
            ? "no certificate (plaintext)"
            : $"the certificate '{credential.Certificate.Subject}' issued by '{credential.Certificate.Issuer}' (SHA-256 {credential.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}) from cert/client/";
}
