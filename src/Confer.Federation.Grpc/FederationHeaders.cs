namespace Confer.Federation.Grpc;

/// <summary>The request headers every call to the aggregator carries, checked before anything else.</summary>
public static class FederationHeaders
{
    /// <summary>The collaborator name the caller acts as; it must equal the common name of its client certificate.</summary>
    public const string Collaborator = "confer-collaborator";

    /// <summary>The federation id (SHA-384 of the canonical plan) the caller runs; it must equal the aggregator's.</summary>
    public const string PlanHash = "confer-plan-hash";

    /// <summary>The hash of the caller's workspace code (<c>code/</c>), or absent when it runs none; it must equal the aggregator's.</summary>
    public const string CodeHash = "confer-code-hash";
}
