namespace Confer.Pki;

/// <summary>How <c>confer workspace certify</c> builds the federation's certificate authority, and how long the certificates it issues last.</summary>
public sealed class CertificateAuthorityOptions
{
    /// <summary>The key algorithm of the root and signing CAs. Default <see cref="KeyAlgorithm.EcdsaP384"/>; used only when the CA is created.</summary>
    public KeyAlgorithm KeyAlgorithm { get; set; } = KeyAlgorithm.EcdsaP384;

    /// <summary>The organization (O) in the CA subjects. Default "Confer"; used only when the CA is created.</summary>
    public string Organization { get; set; } = "Confer";

    /// <summary>How long the root CA is valid. Default 10 years (3650 days).</summary>
    public TimeSpan RootValidity { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>How long the signing CA is valid, capped by the root's end of validity. Default 5 years (1825 days).</summary>
    public TimeSpan SigningCaValidity { get; set; } = TimeSpan.FromDays(1825);

    /// <summary>How long aggregator and collaborator certificates are valid, capped by the signing CA's end of validity. Default 1 year (365 days).</summary>
    public TimeSpan NodeValidity { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How far back a certificate's start of validity is set, so a node whose clock runs a little behind accepts it at once. Default 5 minutes.</summary>
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromMinutes(5);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Organization);
        if (!Enum.IsDefined(KeyAlgorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(KeyAlgorithm), KeyAlgorithm, "Unknown key algorithm.");
        }

        foreach (var (value, name) in new[] { (RootValidity, nameof(RootValidity)), (SigningCaValidity, nameof(SigningCaValidity)), (NodeValidity, nameof(NodeValidity)) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, "A validity period must be positive.");
            }
        }

        if (ClockSkewAllowance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ClockSkewAllowance), ClockSkewAllowance, "The clock skew allowance cannot be negative.");
        }
    }
}
