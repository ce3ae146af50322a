namespace Confer.Pki;

/// <summary>What a revocation source knows about a serial number, in OCSP's terms.</summary>
public enum RevocationStatus
{
    /// <summary>The serial number was never issued by this CA (or the source does not know it). The aggregator refuses it.</summary>
    Unknown = 0,

    /// <summary>Issued and not revoked.</summary>
    Good = 1,

    /// <summary>Revoked.</summary>
    Revoked = 2,
}
