using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Confer.Pki.Internal;

/// <summary>Key generation, PEM import and export, and the key-strength policy, for both key algorithms.</summary>
internal static class KeyMaterial
{
    private const string OidP256 = "1.2.840.10045.3.1.7";
    private const string OidP384 = "1.3.132.0.34";
    private const string OidP521 = "1.3.132.0.35";

    public const int MinimumRsaBits = 3072;

    public static AsymmetricAlgorithm Generate(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        KeyAlgorithm.Rsa3072 => RSA.Create(3072),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
    };

    public static string ExportPrivateKeyPem(AsymmetricAlgorithm key) => key.ExportPkcs8PrivateKeyPem();

    public static AsymmetricAlgorithm LoadPrivateKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new PkiException(PkiError.KeyMissing, $"Private key '{path}' does not exist.");
        }

        var pem = File.ReadAllText(path);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
        }
        catch (ArgumentException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new PkiException(PkiError.KeyMissing, $"Private key '{path}' is not a PEM ECDSA or RSA key: {ex.Message}", ex);
        }
    }

    public static CertificateRequest CreateRequest(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA384),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException($"Unsupported key type {key.GetType().Name}.", nameof(key)),
    };

    public static X509SignatureGenerator CreateSignatureGenerator(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException($"Unsupported key type {key.GetType().Name}.", nameof(key)),
    };

    public static X509Certificate2 WithPrivateKey(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => certificate.CopyWithPrivateKey(ec),
        RSA rsa => certificate.CopyWithPrivateKey(rsa),
        _ => throw new ArgumentException($"Unsupported key type {key.GetType().Name}.", nameof(key)),
    };

    public static bool Matches(X509Certificate2 certificate, AsymmetricAlgorithm key) =>
        certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());

    public static string PublicKeySha256(PublicKey publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>Describes the key and throws <see cref="PkiError.WeakKey"/> when it is below the federation's minimum.</summary>
    public static string CheckStrength(PublicKey publicKey, string owner)
    {
        using (var ec = publicKey.GetECDsaPublicKey())
        {
            if (ec is not null)
            {
                var oid = ec.ExportParameters(false).Curve.Oid;
                return oid.Value switch
                {
                    OidP256 => "ECDSA P-256",
                    OidP384 => "ECDSA P-384",
                    OidP521 => "ECDSA P-521",
                    _ => throw new PkiException(PkiError.WeakKey, $"The key of {owner} is on the curve '{oid.FriendlyName ?? oid.Value}'; the federation accepts ECDSA on P-256, P-384 or P-521, or RSA of at least {MinimumRsaBits} bits. Generate the request again with the default key algorithm."),
                };
            }
        }

        using (var rsa = publicKey.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return rsa.KeySize >= MinimumRsaBits
                    ? $"RSA-{rsa.KeySize}"
                    : throw new PkiException(PkiError.WeakKey, $"The key of {owner} is RSA-{rsa.KeySize}; the federation requires at least RSA-{MinimumRsaBits} (or ECDSA P-384). Generate the request again with the default key algorithm.");
            }
        }

        throw new PkiException(PkiError.WeakKey, $"The key of {owner} has algorithm '{publicKey.Oid.FriendlyName ?? publicKey.Oid.Value}'; the federation accepts ECDSA or RSA keys only.");
    }
}
