using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Internal;

/// <summary>
/// Builds a certificate's chain against the federation's own root only: no system roots, no
/// downloads, and no intermediates supplied by the peer, so the only possible path is
/// leaf → signing CA → root. Revocation is the federation database's job, not X509Chain's.
/// </summary>
internal static class ChainVerifier
{
    /// <summary>
    /// Returns <see langword="null"/> when <paramref name="leaf"/> chains to the federation's root, or what is wrong.
    /// Time is ignored here; callers judge validity periods themselves so they can tell "expired" from "not yet valid".
    /// </summary>
    public static string? Verify(X509Certificate2 leaf, FederationTrust trust)
    {
        using var chain = CreateChain(trust.Root);
        chain.ChainPolicy.ExtraStore.Add(trust.SigningCa);
        if (!chain.Build(leaf))
        {
            var statuses = chain.ChainStatus
                .Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => string.IsNullOrWhiteSpace(s.StatusInformation) ? s.Status.ToString() : $"{s.Status} ({s.StatusInformation.Trim()})")
                .Distinct();
            return string.Join("; ", statuses);
        }

        // With a custom root the path can only be leaf, signing CA, root; check it rather than assume it.
        var elements = chain.ChainElements;
        if (elements.Count != 3
            || !elements[1].Certificate.RawDataMemory.Span.SequenceEqual(trust.SigningCa.RawDataMemory.Span)
            || !elements[2].Certificate.RawDataMemory.Span.SequenceEqual(trust.Root.RawDataMemory.Span))
        {
            return $"the chain has {elements.Count} certificates instead of leaf, signing CA and root";
        }

        return null;
    }

    /// <summary>Whether <paramref name="certificate"/>'s signature verifies with <paramref name="issuer"/>'s public key.</summary>
    public static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        using var chain = CreateChain(issuer);
        return chain.Build(certificate) && chain.ChainElements.Count == 2;
    }

    /// <summary>The latest start and the earliest end of validity along leaf, signing CA and root.</summary>
    public static (DateTimeOffset NotBefore, DateTimeOffset NotAfter) ValidityWindow(X509Certificate2 leaf, FederationTrust trust)
    {
        var notBefore = new[] { leaf.NotBefore, trust.SigningCa.NotBefore, trust.Root.NotBefore }.Max();
        var notAfter = new[] { leaf.NotAfter, trust.SigningCa.NotAfter, trust.Root.NotAfter }.Min();
        return (new DateTimeOffset(notBefore).ToUniversalTime(), new DateTimeOffset(notAfter).ToUniversalTime());
    }

    private static X509Chain CreateChain(X509Certificate2 anchor)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        return chain;
    }
}
