using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Confer.Pki;

/// <summary>
/// The naming rules of the federation's PKI: which collaborator labels and aggregator FQDNs are
/// accepted. The names become file names (<c>col_NAME.key</c>, <c>agg_FQDN.crt</c>) and certificate
/// common names, so they are checked before anything is written.
/// </summary>
public static class PkiNames
{
    /// <summary>The longest collaborator label accepted, in characters: 64, the X.509 upper bound for a common name.</summary>
    public const int MaxCollaboratorNameLength = 64;

    /// <summary>Whether <paramref name="name"/> is an acceptable collaborator label: 1 to 64 ASCII letters, digits, '-', '_' or '.', and not only dots.</summary>
    /// <param name="name">The collaborator label.</param>
    /// <returns><see langword="true"/> when the label is acceptable.</returns>
    public static bool IsValidCollaboratorName([NotNullWhen(true)] string? name) => DescribeCollaboratorNameProblem(name) is null;

    /// <summary>Throws a <see cref="PkiException"/> with <see cref="PkiError.InvalidName"/> when <paramref name="name"/> is not an acceptable collaborator label.</summary>
    /// <param name="name">The collaborator label.</param>
    /// <exception cref="PkiException">The label is not acceptable; the message says which character or length is wrong.</exception>
    public static void ValidateCollaboratorName(string? name)
    {
        var problem = DescribeCollaboratorNameProblem(name);
        if (problem is not null)
        {
            throw new PkiException(
                PkiError.InvalidName,
                $"Collaborator name '{name}' is not valid: {problem}. Use 1 to {MaxCollaboratorNameLength} letters, digits, '-', '_' or '.' (for example 'alpha' or 'site-01').");
        }
    }

    /// <summary>
    /// Checks an aggregator FQDN or IP literal and returns its canonical form: DNS names in lower case
    /// (DNS is case-insensitive, and the form names the files <c>agg_FQDN.crt|.key</c>), IP addresses as
    /// the runtime prints them.
    /// </summary>
    /// <param name="fqdn">A host name such as <c>agg.example.org</c> or <c>localhost</c>, or an IP literal such as <c>127.0.0.1</c>.</param>
    /// <returns>The canonical FQDN.</returns>
    /// <exception cref="PkiException">The value is neither a DNS name nor an IP address.</exception>
    public static string NormalizeAggregatorFqdn(string? fqdn)
    {
        var value = fqdn?.Trim() ?? string.Empty;
        if (IPAddress.TryParse(value, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3))
        {
            return address.ToString();
        }

        var lower = value.ToLowerInvariant().TrimEnd('.');
        var labels = lower.Split('.');
        // A last label of digits only is an unparseable IP address ("999.1.1.1"), never a host name.
        if (lower.Length is 0 or > 253 || !labels.All(IsDnsLabel) || labels[^1].All(char.IsAsciiDigit))
        {
            throw new PkiException(
                PkiError.InvalidName,
                $"Aggregator FQDN '{fqdn}' is not a valid host name or IP address. Use the name collaborators will dial, such as 'agg.example.org', 'localhost' or '127.0.0.1'.");
        }

        return lower;
    }

    internal static bool IsIpLiteral(string normalizedFqdn) => IPAddress.TryParse(normalizedFqdn, out _);

    private static bool IsDnsLabel(string label) =>
        label.Length is >= 1 and <= 63
        && label[0] != '-'
        && label[^1] != '-'
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static string? DescribeCollaboratorNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxCollaboratorNameLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it has {name.Length} characters, more than {MaxCollaboratorNameLength}");
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return string.Create(CultureInfo.InvariantCulture, $"it contains '{c}' (U+{(int)c:X4})");
            }
        }

        // "." and ".." would read as directory references to anyone who copies the files around.
        return name.All(c => c == '.') ? "it consists only of dots" : null;
    }
}
