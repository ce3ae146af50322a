using System.Globalization;

namespace Confer.Data;

/// <summary>
/// A partition scheme and its parameter, as written on the command line (<c>--partition</c>) or in
/// a plan: <c>iid</c>, <c>strided</c>, <c>dirichlet:ALPHA</c> (e.g. <c>dirichlet:0.5</c>) or
/// <c>shards:K</c> (e.g. <c>shards:2</c>). <see cref="ToString"/> writes that text back.
/// </summary>
public sealed record PartitionSpec
{
    /// <summary>The alpha of <c>dirichlet</c> written without a value.</summary>
    public const double DefaultAlpha = 0.5;

    /// <summary>The shards per client of <c>shards</c> written without a value (as in McMahan et al., 2017).</summary>
    public const int DefaultShardsPerClient = 2;

    private PartitionSpec(PartitionScheme scheme, double alpha, int shardsPerClient)
    {
        Scheme = scheme;
        Alpha = alpha;
        ShardsPerClient = shardsPerClient;
    }

    /// <summary>IID: a seeded shuffle cut into near-equal parts.</summary>
    public static PartitionSpec Iid { get; } = new(PartitionScheme.Iid, double.NaN, 0);

    /// <summary>Strided: partition k gets indices k, k + n, k + 2n, ….</summary>
    public static PartitionSpec Strided { get; } = new(PartitionScheme.Strided, double.NaN, 0);

    /// <summary>The scheme.</summary>
    public PartitionScheme Scheme { get; }

    /// <summary>The Dirichlet concentration for <see cref="PartitionScheme.Dirichlet"/>; NaN for other schemes.</summary>
    public double Alpha { get; }

    /// <summary>Shards per client for <see cref="PartitionScheme.Shards"/>; 0 for other schemes.</summary>
    public int ShardsPerClient { get; }

    /// <summary>Dirichlet label skew with concentration <paramref name="alpha"/>.</summary>
    /// <param name="alpha">The concentration, finite and greater than 0.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Alpha is not a finite number above 0.</exception>
    public static PartitionSpec Dirichlet(double alpha)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Dirichlet alpha must be a finite number greater than 0, but it is {alpha}.");
        }

        return new(PartitionScheme.Dirichlet, alpha, 0);
    }

    /// <summary>Label-sorted shards, <paramref name="shardsPerClient"/> per partition.</summary>
    /// <param name="shardsPerClient">Shards per partition, at least 1.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shardsPerClient"/> is below 1.</exception>
    public static PartitionSpec Shards(int shardsPerClient)
    {
        if (shardsPerClient < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shardsPerClient), shardsPerClient, $"Shards per client must be at least 1, but it is {shardsPerClient}.");
        }

        return new(PartitionScheme.Shards, double.NaN, shardsPerClient);
    }

    /// <summary>
    /// Parses <c>iid</c>, <c>strided</c>, <c>dirichlet[:ALPHA]</c> or <c>shards[:K]</c>, ignoring case
    /// and surrounding spaces. Without a value, alpha is <see cref="DefaultAlpha"/> and K is
    /// <see cref="DefaultShardsPerClient"/>.
    /// </summary>
    /// <param name="text">The text, e.g. <c>dirichlet:0.5</c>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="FormatException">The name is unknown or the value is not valid; the message lists what is accepted.</exception>
    public static PartitionSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? trimmed : trimmed[..colon]).Trim().ToLowerInvariant();
        string? value = colon < 0 ? null : trimmed[(colon + 1)..].Trim();
        switch (name)
        {
            case "iid" or "strided":
                if (value is not null)
                {
                    throw Invalid(text, $"'{name}' takes no value");
                }

                return name == "iid" ? Iid : Strided;

            case "dirichlet":
                if (value is null)
                {
                    return Dirichlet(DefaultAlpha);
                }

                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double alpha) || !(alpha > 0) || double.IsInfinity(alpha))
                {
                    throw Invalid(text, $"the Dirichlet alpha '{value}' is not a finite number greater than 0 (e.g. dirichlet:0.5)");
                }

                return Dirichlet(alpha);

            case "shards":
                if (value is null)
                {
                    return Shards(DefaultShardsPerClient);
                }

                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int shards) || shards < 1)
                {
                    throw Invalid(text, $"the shards per client '{value}' is not a whole number of at least 1 (e.g. shards:2)");
                }

                return Shards(shards);

            default:
                throw Invalid(text, $"'{name}' is not a partition scheme");
        }
    }

    /// <summary>Splits examples with the given labels into <paramref name="partitions"/> partitions with this scheme.</summary>
    /// <param name="labels">Each example's class label (used by the label-aware schemes; only the count by the others).</param>
    /// <param name="partitions">The number of partitions.</param>
    /// <param name="seed">The seed (ignored by <see cref="PartitionScheme.Strided"/>).</param>
    /// <returns>One ascending index array per partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There are fewer examples than partitions (or shards), or <paramref name="partitions"/> is below 1.</exception>
    public IReadOnlyList<int[]> Apply(ReadOnlySpan<int> labels, int partitions, int seed) => Scheme switch
    {
        PartitionScheme.Iid => DataPartitioner.Iid(labels.Length, partitions, seed),
        PartitionScheme.Strided => DataPartitioner.Strided(labels.Length, partitions),
        PartitionScheme.Dirichlet => DataPartitioner.Dirichlet(labels, partitions, Alpha, seed),
        PartitionScheme.Shards => DataPartitioner.Shards(labels, partitions, ShardsPerClient, seed),
        _ => throw new InvalidOperationException($"Unknown partition scheme {Scheme}."),
    };

    /// <inheritdoc cref="Apply(ReadOnlySpan{int}, int, int)"/>
    public IReadOnlyList<int[]> Apply(ReadOnlySpan<byte> labels, int partitions, int seed) =>
        Apply(DataPartitioner.Widen(labels), partitions, seed);

    /// <summary>The spec as <see cref="Parse"/> reads it, e.g. <c>dirichlet:0.5</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Scheme switch
    {
        PartitionScheme.Iid => "iid",
        PartitionScheme.Strided => "strided",
        PartitionScheme.Dirichlet => "dirichlet:" + Alpha.ToString("R", CultureInfo.InvariantCulture),
        _ => "shards:" + ShardsPerClient.ToString(CultureInfo.InvariantCulture),
    };

    private static FormatException Invalid(string text, string problem) =>
        new($"Invalid partition '{text}': {problem}. Use one of: iid, strided, dirichlet:ALPHA (e.g. dirichlet:0.5), shards:K (e.g. shards:2).");
}
