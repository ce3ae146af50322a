namespace Confer.Pki;

/// <summary>The kind of key pair a certificate authority or a node generates.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA on the NIST P-384 curve, signing with SHA-384. The default: small keys, fast to generate.</summary>
    EcdsaP384 = 0,

    /// <summary>RSA with a 3072-bit modulus, signing with SHA-384 and PKCS#1 v1.5 padding: the minimum the OpenFL paper accepts.</summary>
    Rsa3072 = 1,
}
