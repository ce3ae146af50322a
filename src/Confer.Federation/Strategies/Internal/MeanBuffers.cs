using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// The model-sized buffers of a weighted mean, kept by a strategy from one round to the next (the
/// layout does not change within a federation): the accumulator's sums, and the scratch state that
/// arrays read from a transport's store are decoded into. A round then allocates nothing
/// model-sized to aggregate, which at ten million parameters keeps the aggregator's memory flat.
/// </summary>
internal sealed class MeanBuffers
{
    private ModelState? _scratch;

    private MeanBuffers(WeightedMeanAccumulator accumulator) => Accumulator = accumulator;

    public WeightedMeanAccumulator Accumulator { get; }

    /// <summary>
    /// Buffers for <paramref name="layout"/> that sum <paramref name="summedTensors"/> instead of
    /// averaging them: <paramref name="kept"/>, reset, when it fits, else new ones.
    /// </summary>
    public static MeanBuffers For(ModelState layout, IReadOnlyList<string> summedTensors, MeanBuffers? kept)
    {
        if (kept is not null && kept.Accumulator.Layout.IsCompatibleWith(layout) && kept.Accumulator.SummedTensors.SequenceEqual(summedTensors, StringComparer.Ordinal))
        {
            kept.Accumulator.Reset();
            return kept;
        }

        return new MeanBuffers(new WeightedMeanAccumulator(layout, summedTensors));
    }

    /// <summary>The arrays as a state to fold: the one in memory, or the scratch state they are read into.</summary>
    /// <exception cref="UpdateRejectedException">The arrays do not have the global model's layout, or cannot be read.</exception>
    public ModelState Read(ArrayRecord arrays, string description)
    {
        if (arrays.InMemory is { } state)
        {
            return state;
        }

        ModelState scratch = _scratch ??= Accumulator.Layout.ZerosLike();
        try
        {
            arrays.CopyTo(scratch);
        }
        catch (ModelStateException ex)
        {
            throw new UpdateRejectedException($"{description} cannot be aggregated: {ex.Message}", UpdateRejectionReason.LayoutMismatch, null, null, null);
        }

        return scratch;
    }
}
