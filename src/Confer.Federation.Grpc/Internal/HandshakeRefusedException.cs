namespace Confer.Federation.Grpc.Internal;

/// <summary>The aggregator refused this collaborator's certificate in the TLS handshake (see <see cref="HandshakeRefusal"/>).</summary>
internal sealed class HandshakeRefusedException(Uri address, string certificate, Exception innerException)
    : Exception($"The aggregator at {address} refused the TLS handshake.", innerException)
{
    public Uri Address { get; } = address;

    public string Certificate { get; } = certificate;
}
