namespace Confer.Data;

/// <summary>
/// The content of one IDX file of unsigned bytes: its dimensions and its elements in row-major
/// order (the last dimension varies fastest), as read by <see cref="IdxReader"/>.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _dimensions;

    internal IdxArray(string source, int[] dimensions, byte[] data)
    {
        Source = source;
        _dimensions = dimensions;
        Buffer = data;
    }

    /// <summary>Where the array was read from (a file path or the name given for a stream), for messages.</summary>
    public string Source { get; }

    /// <summary>The size of each dimension, outermost first (e.g. 60000, 28, 28 for an image file).</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>The number of dimensions (1 for a label file, 3 for an image file).</summary>
    public int Rank => _dimensions.Length;

    /// <summary>All elements, row-major; the product of <see cref="Dimensions"/> bytes.</summary>
    public ReadOnlyMemory<byte> Data => Buffer;

    /// <summary>The elements' buffer, handed to a data set without a copy.</summary>
    internal byte[] Buffer { get; }

    /// <summary>The dimensions written as in the IDX header, e.g. <c>60000×28×28</c>.</summary>
    /// <returns>The dimensions joined by ×.</returns>
    public string DescribeDimensions() => string.Join('×', _dimensions);
}
