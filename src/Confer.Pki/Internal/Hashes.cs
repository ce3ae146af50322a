using System.Security.Cryptography;

namespace Confer.Pki.Internal;

/// <summary>The hash the operators compare out of band, in the form <c>sha384sum</c> prints.</summary>
internal static class Hashes
{
    public static string Sha384Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA384.HashData(data));

    /// <summary>Accepts what an operator may paste: any case, with or without ':' or whitespace between bytes.</summary>
    public static string Normalize(string hash)
    {
        Span<char> buffer = stackalloc char[Math.Min(hash.Length, 256)];
        var length = 0;
        foreach (var c in hash)
        {
            if (c == ':' || char.IsWhiteSpace(c))
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return hash;
            }

            buffer[length++] = char.ToLowerInvariant(c);
        }

        return new string(buffer[..length]);
    }
}
