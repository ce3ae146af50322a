namespace Confer.Pki;

/// <summary>Whether a presented certificate was accepted, and if not, which check refused it.</summary>
public enum CertificateValidationStatus
{
    /// <summary>Every check passed.</summary>
    Accepted = 0,

    /// <summary>No certificate was presented.</summary>
    MissingCertificate,

    /// <summary>The certificate does not chain to the federation's CA (another CA, self-signed, or a bad signature).</summary>
    UntrustedIssuer,

    /// <summary>The certificate, or a CA above it, is not valid yet.</summary>
    NotYetValid,

    /// <summary>The certificate, or a CA above it, has expired.</summary>
    Expired,

    /// <summary>The certificate is not for this use: a server certificate presented as a client, or the reverse.</summary>
    WrongUsage,

    /// <summary>The certificate was revoked.</summary>
    Revoked,

    /// <summary>The certificate's serial number is not in the federation's certificate database.</summary>
    UnknownCertificate,

    /// <summary>The certificate's common name is not the collaborator name the caller claims.</summary>
    NameMismatch,

    /// <summary>The collaborator is not in the plan's authorized list.</summary>
    NotAuthorized,

    /// <summary>The aggregator's certificate does not name the host the collaborator dialled.</summary>
    HostNameMismatch,
}
