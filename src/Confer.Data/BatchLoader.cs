using Confer.Data.Internal;

namespace Confer.Data;

/// <summary>
/// Cuts a list of example indices into mini-batches, once per epoch, optionally in a seeded
/// shuffled order. Epoch <c>e</c> with seed <c>s</c> always yields the same batches, whatever
/// epochs were iterated before, so a collaborator that restarts mid-training sees the same order.
/// </summary>
public sealed class BatchLoader
{
    private readonly int[] _indices;

    /// <summary>Creates a loader over <paramref name="indices"/> (copied).</summary>
    /// <param name="indices">The example indices to batch, e.g. one partition from <see cref="DataPartitioner"/>.</param>
    /// <param name="batchSize">Examples per batch, at least 1.</param>
    /// <param name="seed">The seed of the per-epoch shuffles.</param>
    /// <param name="shuffle">Whether each epoch visits the indices in a seeded random order (the default) or in the given order.</param>
    /// <param name="dropLast">Whether to drop a last batch smaller than <paramref name="batchSize"/>; <see langword="false"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public BatchLoader(IReadOnlyList<int> indices, int batchSize, int seed, bool shuffle = true, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size must be at least 1, but it is {batchSize}.");
        }

        _indices = [.. indices];
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    /// <summary>The number of indices batched per epoch, before <see cref="DropLast"/>.</summary>
    public int Count => _indices.Length;

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the per-epoch shuffles.</summary>
    public int Seed { get; }

    /// <summary>Whether each epoch's order is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last, smaller batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches per epoch.</summary>
    public int BatchCount => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The number of examples visited per epoch (all of them, unless <see cref="DropLast"/> drops some).</summary>
    public int ExamplesPerEpoch => DropLast ? BatchCount * BatchSize : Count;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the indices.</summary>
    /// <param name="epoch">The epoch number, 0 or more.</param>
    /// <returns>A new array of all <see cref="Count"/> indices.</returns>
    public int[] Order(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        int[] order = (int[])_indices.Clone();
        if (Shuffle)
        {
            new SeededRandom(Seed, epoch).Shuffle(order);
        }

        return order;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>, in order.</summary>
    /// <param name="epoch">The epoch number, 0 or more.</param>
    /// <returns>
    /// <see cref="BatchCount"/> batches of example indices; every batch holds <see cref="BatchSize"/>
    /// indices except perhaps the last. Each batch stays valid after the next is taken.
    /// </returns>
    public IEnumerable<ReadOnlyMemory<int>> Epoch(int epoch)
    {
        int[] order = Order(epoch);
        return Batches(order);
    }

    private IEnumerable<ReadOnlyMemory<int>> Batches(int[] order)
    {
        int batches = BatchCount;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize;
            yield return order.AsMemory(start, Math.Min(BatchSize, order.Length - start));
        }
    }
}
