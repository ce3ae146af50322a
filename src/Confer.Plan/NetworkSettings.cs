namespace Confer.Plan;

/// <summary>The plan's <c>network.settings</c>.</summary>
/// <param name="AggregatorAddress">The aggregator's host name (<c>agg_addr</c>, default <c>auto</c>: <c>confer plan initialize</c> writes this machine's FQDN).</param>
/// <param name="AggregatorPort">The aggregator's port, 1..65535 (<c>agg_port</c>, default 50051).</param>
/// <param name="Tls">Whether connections use mutual TLS (<c>tls</c>, default <see langword="true"/>).</param>
/// <param name="Insecure">The explicit consent to plaintext, required when <paramref name="Tls"/> is off (<c>insecure</c>, default <see langword="false"/>).</param>
/// <param name="ClientReconnectInterval">The base delay before a collaborator reconnects, grown with backoff and jitter (<c>client_reconnect_interval</c> in seconds, default 5).</param>
/// <param name="ClientReconnectTimeout">How long a collaborator keeps retrying while the aggregator cannot be reached before it gives up and exits (<c>client_reconnect_timeout</c> in seconds, default 3600).</param>
/// <param name="CertificateFolder">The folder of certificates, relative to the workspace (<c>cert_folder</c>, default <c>cert</c>).</param>
/// <param name="Limits">Size and rate limits.</param>
public sealed record NetworkSettings(string AggregatorAddress, int AggregatorPort, bool Tls, bool Insecure, TimeSpan ClientReconnectInterval, TimeSpan ClientReconnectTimeout, string CertificateFolder, NetworkLimits Limits);
