using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confer.Pki;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A TLS handshake the aggregator refused, seen from the collaborator. The aggregator accepts only
/// certificates of its federation's CA; in TLS 1.3 the client's side of the handshake is done
/// before the server has judged its certificate, so a refusal reaches the client as a connection
/// closed before HTTP/2 began, which a dropped connection can look like too. When a call fails
/// that way, one probe tells them apart: a connection that presents this collaborator's
/// certificate and offers HTTP/2, which an aggregator that accepted it answers with its HTTP/2
/// settings and one that refused it closes at once. The collaborator then stops (trying again
/// cannot help) and says which certificate it presented.
/// </summary>
internal static class HandshakeRefusal
{
    /// <summary>The HTTP/2 connection preface and an empty SETTINGS frame.</summary>
    private static readonly byte[] Preface = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];

    /// <summary>Whether <paramref name="exception"/> is a connection that closed before HTTP/2 began (what a refused handshake looks like to the client).</summary>
    public static bool Suspects(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException
                || (e is HttpRequestException http && http.HttpRequestError is HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.SecureConnectionError))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Connects once with <paramref name="credential"/>'s certificate and offers HTTP/2; true when
    /// the aggregator ends the connection without a byte of HTTP/2 (it refused the certificate),
    /// false when it answers, or cannot be reached at all (an outage, not a refusal).
    /// </summary>
    public static async Task<bool> IsRefusedAsync(Uri address, NodeCredential credential, AggregatorCertificateValidator validator, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        bool handshakeDone = false;
        bool aggregatorAccepted = false;
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port, limit.Token).ConfigureAwait(false);
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await using var disposeTls = tls.ConfigureAwait(false);
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = address.Host,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ClientCertificateContext = credential.CreateCertificateContext(),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => aggregatorAccepted = validator.Validate(certificate, address.Host).IsAccepted,
                },
                limit.Token).ConfigureAwait(false);

            // In TLS 1.3 the server judges the client's certificate only now: a refusal ends the
            // connection from here on, before a byte of HTTP/2.
            handshakeDone = true;
            await tls.WriteAsync(Preface, limit.Token).ConfigureAwait(false);
            var answer = new byte[1];
            return await tls.ReadAsync(answer, limit.Token).ConfigureAwait(false) == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (IOException)
        {
            // Cut after the handshake: the aggregator refused the certificate. Cut during it (a
            // reset connection, a proxy refusing everyone): an outage, which retrying may outlast.
            return handshakeDone;
        }
        catch (AuthenticationException ex) when (aggregatorAccepted && !IsTransportFailure(ex))
        {
            // The aggregator's certificate checked out and the handshake then ended with a TLS alert,
            // not a lost connection: the aggregator's alert about this collaborator's certificate,
            // which can arrive before the client's side of the handshake is done on a busy machine.
            return true;
        }
        catch (Exception ex) when (ex is SocketException or AuthenticationException)
        {
            return false;
        }
    }

    private static bool IsTransportFailure(Exception exception)
    {
        for (Exception? e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is IOException or SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The certificate this collaborator presented, in words.</summary>
    public static string Describe(NodeCredential credential) =>
        $"the certificate '{credential.Certificate.Subject}' issued by '{credential.Certificate.Issuer}' (SHA-256 {credential.Certificate.GetCertHashString(HashAlgorithmName.SHA256)}) from cert/client/";
}
