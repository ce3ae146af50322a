namespace Confer.Pki;

/// <summary>Why a PKI operation was refused; carried by <see cref="PkiException.Error"/> so a command line can map it to an exit code.</summary>
public enum PkiError
{
    /// <summary>The workspace has no certificate authority (run <c>confer workspace certify</c>).</summary>
    CaMissing = 1,

    /// <summary>The workspace already has a certificate authority; creating another would orphan every certificate it issued.</summary>
    CaAlreadyExists,

    /// <summary>The certificate authority's files are unreadable, inconsistent or expired.</summary>
    CaInvalid,

    /// <summary>A collaborator label or an aggregator FQDN is not acceptable.</summary>
    InvalidName,

    /// <summary>A private key already exists where a new one would be written.</summary>
    KeyAlreadyExists,

    /// <summary>A private key that the operation needs is missing.</summary>
    KeyMissing,

    /// <summary>The certificate signing request to sign is missing.</summary>
    RequestMissing,

    /// <summary>A request or signed-certificate package is not a well-formed package, or was altered.</summary>
    MalformedPackage,

    /// <summary>The CSR's SHA-384 differs from the hash the operator confirmed out of band.</summary>
    HashMismatch,

    /// <summary>A name inside a CSR, certificate or package differs from the name it should carry.</summary>
    NameMismatch,

    /// <summary>A valid certificate was already issued to this name.</summary>
    AlreadyCertified,

    /// <summary>The public key was already certified for another name.</summary>
    KeyReused,

    /// <summary>The public key's algorithm or size is below the federation's minimum.</summary>
    WeakKey,

    /// <summary>Nothing matches the given name or path.</summary>
    NotFound,

    /// <summary>A certificate does not match the private key it should belong to.</summary>
    KeyMismatch,

    /// <summary>A certificate does not chain to the expected certificate authority.</summary>
    UntrustedChain,

    /// <summary>The workspace already trusts a different federation CA.</summary>
    TrustConflict,

    /// <summary>The certificate database is unreadable.</summary>
    DatabaseInvalid,
}
