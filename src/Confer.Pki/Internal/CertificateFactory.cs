using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Internal;

/// <summary>Builds the federation's certificates with their extensions; the one place that decides what a CA, an aggregator and a collaborator certificate contain.</summary>
internal static class CertificateFactory
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static X500DistinguishedName CaName(string commonName, string organization, string federationId)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName(organization);
        builder.AddOrganizationalUnitName($"federation {federationId}");
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    public static X500DistinguishedName NodeName(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    /// <summary>Creates the self-signed root CA; its path length of 1 allows exactly the signing CA below it.</summary>
    public static X509Certificate2 CreateRoot(X500DistinguishedName subject, AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = KeyMaterial.CreateRequest(subject, key);
        var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        AddCaExtensions(request, pathLength: 1, ski, X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski));
        return request.Create(subject, KeyMaterial.CreateSignatureGenerator(key), notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>Creates the signing CA under the root; its path length of 0 lets it issue node certificates but no further CA.</summary>
    public static X509Certificate2 CreateSigningCa(X500DistinguishedName subject, PublicKey publicKey, X509Certificate2 issuer, AsymmetricAlgorithm issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA384);
        AddCaExtensions(request, pathLength: 0, new X509SubjectKeyIdentifierExtension(publicKey, critical: false), X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request.Create(issuer.SubjectName, KeyMaterial.CreateSignatureGenerator(issuerKey), notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>
    /// Creates a node certificate. Only the public key comes from the CSR: the subject, the usages and the
    /// names are decided here, so a requester cannot ask for a CA flag or someone else's usage.
    /// </summary>
    public static X509Certificate2 CreateNode(CertificateKind kind, string name, PublicKey publicKey, X509Certificate2 issuer, AsymmetricAlgorithm issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(NodeName(name), publicKey, HashAlgorithmName.SHA384);
        AddNodeExtensions(request, kind, name, publicKey);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request.Create(issuer.SubjectName, KeyMaterial.CreateSignatureGenerator(issuerKey), notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>Creates the PEM CSR a node sends to the CA; it carries the usages and names it asks for, which the CA sets again itself.</summary>
    public static string CreateSigningRequestPem(CertificateKind kind, string name, AsymmetricAlgorithm key)
    {
        var request = KeyMaterial.CreateRequest(NodeName(name), key);
        AddNodeExtensions(request, kind, name, request.PublicKey);
        return request.CreateSigningRequestPem();
    }

    public static string? GetCommonName(X500DistinguishedName name)
    {
        string? commonName = null;
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3")
            {
                if (commonName is not null)
                {
                    // Two common names make "the" name ambiguous; treat it as none.
                    return null;
                }

                commonName = rdn.GetSingleElementValue();
            }
        }

        return commonName;
    }

    public static bool HasExtendedKeyUsage(X509Certificate2 certificate, string oid)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var usage in eku.EnhancedKeyUsages)
                {
                    if (usage.Value == oid)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    public static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true };

    public static string FingerprintSha256(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();

    private static void AddCaExtensions(CertificateRequest request, int pathLength, X509SubjectKeyIdentifierExtension ski, X509AuthorityKeyIdentifierExtension aki)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: pathLength, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(ski);
        request.CertificateExtensions.Add(aki);
    }

    private static void AddNodeExtensions(CertificateRequest request, CertificateKind kind, string name, PublicKey publicKey)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));

        // RSA keys may still meet TLS 1.2 peers that use RSA key transport; ECDSA keys only ever sign.
        var usage = X509KeyUsageFlags.DigitalSignature;
        if (publicKey.Oid.Value == "1.2.840.113549.1.1.1")
        {
            usage |= X509KeyUsageFlags.KeyEncipherment;
        }

        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var eku = kind == CertificateKind.Aggregator ? ServerAuthOid : ClientAuthOid;
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, critical: false));
        if (kind == CertificateKind.Aggregator)
        {
            request.CertificateExtensions.Add(BuildAggregatorNames(name));
        }
    }

    private static X509Extension BuildAggregatorNames(string fqdn)
    {
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(fqdn, out var address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(fqdn);
            if (fqdn == "localhost")
            {
                // Collaborators on the same machine dial 127.0.0.1 or ::1 as often as "localhost".
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
            }
        }

        return san.Build(critical: false);
    }

    private static byte[] NewSerialNumber()
    {
        // 128 random bits, positive, with a fixed top bit so every serial has the same length.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
        return serial;
    }
}
