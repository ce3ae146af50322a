namespace Confer.Data;

/// <summary>How a data set is split over collaborators; see <see cref="DataPartitioner"/>.</summary>
public enum PartitionScheme
{
    /// <summary>A seeded shuffle cut into near-equal parts (<c>iid</c>).</summary>
    Iid,

    /// <summary>Partition k gets indices k, k + n, k + 2n, … (<c>strided</c>).</summary>
    Strided,

    /// <summary>Label skew drawn from a Dirichlet(alpha) per class (<c>dirichlet:ALPHA</c>).</summary>
    Dirichlet,

    /// <summary>Label-sorted shards, a fixed number per client (<c>shards:K</c>).</summary>
    Shards,
}
