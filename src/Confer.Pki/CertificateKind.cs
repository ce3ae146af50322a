using System.Text.Json.Serialization;

namespace Confer.Pki;

/// <summary>What a certificate in the federation's database was issued for.</summary>
public enum CertificateKind
{
    /// <summary>A certificate authority: the root CA or the signing CA.</summary>
    [JsonStringEnumMemberName("ca")]
    Ca = 0,

    /// <summary>The aggregator's TLS server certificate, named by its FQDN.</summary>
    [JsonStringEnumMemberName("aggregator")]
    Aggregator = 1,

    /// <summary>A collaborator's TLS client certificate, named by its collaborator label.</summary>
    [JsonStringEnumMemberName("collaborator")]
    Collaborator = 2,
}
