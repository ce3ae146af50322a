using System.Globalization;
using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

/// <summary>
/// The aggregation maths as pure functions over model states: the example-weighted mean (FedAvg)
/// and the robust aggregators — coordinate-wise median, trimmed mean, Krum, Multi-Krum and the
/// geometric median. Every input is validated first (same layout as the first update, finite
/// values, positive weights); a bad input throws <see cref="UpdateRejectedException"/> naming the
/// update (by position), the tensor and the element.
/// </summary>
/// <remarks>
/// <para>
/// <b>Integer tensors</b> (int64, int32, int8, uint8, bool; e.g. BatchNorm's
/// <c>num_batches_tracked</c>). Linear aggregators (weighted mean, Multi-Krum's mean, the
/// geometric median's weighted averages) compute the mean in float64 and round it half to even
/// back to the integer type. The median and the trimmed mean take the same order statistics on
/// the integers as on floats: the middle value (the mean of the two middle values, rounded half to
/// even, for an even count), and the mean of the values kept after trimming, rounded half to even.
/// Krum returns one of the updates unchanged. Values never leave the type's range.
/// </para>
/// <para>
/// <b>Floating-point tensors.</b> The robust aggregators work in float64 internally for every
/// type and round once to the tensor's type at the end. float16 and bfloat16 are never summed in
/// their own precision.
/// </para>
/// </remarks>
public static partial class ModelAggregation
{
    /// <summary>Elements converted per update at a time, to keep the working set in cache.</summary>
    private const int Block = 1024;

    /// <summary>
    /// The example-weighted mean (FedAvg): Σ wᵢ·xᵢ / Σ wᵢ, folded in list order through a
    /// <see cref="WeightedMeanAccumulator"/> (so it is bit-identical to folding the same updates
    /// one at a time in the same order). Pass the updates in collaborator-name order.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <returns>The weighted mean.</returns>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static ModelState WeightedMean(IReadOnlyList<WeightedUpdate> updates)
    {
        RequireAny(updates);
        var accumulator = new WeightedMeanAccumulator(updates[0].State);
        for (int i = 0; i < updates.Count; i++)
        {
            accumulator.Fold(updates[i].State, updates[i].Weight, Describe(i));
        }

        return accumulator.Result();
    }

    /// <summary>
    /// FedCurv's aggregation (OpenFL's <c>FedCurvWeightedAverage</c>): the example-weighted mean of
    /// every tensor, as <see cref="WeightedMean"/>, except FedCurv's u, v, w tensors
    /// (<see cref="FedCurvTensors"/>), which are summed without weights: Σ xᵢ. Folded in list order
    /// through a <see cref="WeightedMeanAccumulator"/> with those tensors summed.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <returns>The aggregate.</returns>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static ModelState FedCurvWeightedMean(IReadOnlyList<WeightedUpdate> updates)
    {
        RequireAny(updates);
        var accumulator = new WeightedMeanAccumulator(updates[0].State, FedCurvTensors.Names(updates[0].State));
        for (int i = 0; i < updates.Count; i++)
        {
            accumulator.Fold(updates[i].State, updates[i].Weight, Describe(i));
        }

        return accumulator.Result();
    }

    /// <summary>
    /// The coordinate-wise median (Yin et al. 2018; Flower's <c>aggregate_median</c>): for every
    /// element, the middle value over the updates, or the mean of the two middle values for an even
    /// count. Unweighted. Breakdown point: fewer than half of the updates can move it arbitrarily far.
    /// Exactly invariant to the order of the updates.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <returns>The element-wise median.</returns>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static ModelState Median(IReadOnlyList<ModelState> updates)
    {
        RequireAny(updates);
        ValidateAll(updates);
        return OrderStatistic(updates, static sorted =>
        {
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] / 2) + (sorted[n / 2] / 2);
        });
    }

    /// <summary>
    /// The coordinate-wise trimmed mean (Yin et al. 2018; Flower's <c>aggregate_trimmed_mean</c>):
    /// for every element, drop the ⌊β·n⌋ smallest and ⌊β·n⌋ largest values and average the rest.
    /// Unweighted. Up to ⌊β·n⌋ arbitrary updates cannot move it beyond the range of the honest
    /// values. Exactly invariant to the order of the updates.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="beta">The fraction cut from each end, in [0, 0.5). Flower's default is 0.2.</param>
    /// <returns>The element-wise trimmed mean.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is outside [0, 0.5).</exception>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static ModelState TrimmedMean(IReadOnlyList<ModelState> updates, double beta)
    {
        RequireAny(updates);
        if (!(beta >= 0 && beta < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "The trimmed fraction beta must be at least 0 and below 0.5 (it is cut from each end).");
        }

        ValidateAll(updates);
        int cut = (int)Math.Floor(beta * updates.Count);
        return OrderStatistic(updates, sorted =>
        {
            ReadOnlySpan<double> kept = sorted[cut..(sorted.Length - cut)];
            double sum = 0;
            foreach (double v in kept)
            {
                sum += v;
            }

            return sum / kept.Length;
        });
    }

    /// <summary>Checks every update against the first: layout, then finite values. Messages name the update's position.</summary>
    /// <param name="updates">The updates.</param>
    /// <exception cref="UpdateRejectedException">The first problem found.</exception>
    internal static void ValidateAll(IReadOnlyList<ModelState> updates)
    {
        for (int i = 0; i < updates.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(updates[i], nameof(updates));
            UpdateValidator.EnsureSameLayout(updates[0], updates[i], Describe(i));
            UpdateValidator.EnsureFinite(updates[i], Describe(i));
        }
    }

    private static string Describe(int index) => string.Create(CultureInfo.InvariantCulture, $"update {index}");

    private static void RequireAny<T>(IReadOnlyList<T> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            throw new ArgumentException("Aggregation needs at least one update.", nameof(updates));
        }
    }

    private delegate double Statistic(Span<double> sortedColumn);

    private static ModelState OrderStatistic(IReadOnlyList<ModelState> updates, Statistic statistic)
    {
        int n = updates.Count;
        ModelState first = updates[0];
        var tensors = new NamedTensor[first.Count];
        var values = new double[n * Block];
        var column = new double[n];
        var output = new double[Block];
        for (int t = 0; t < first.Count; t++)
        {
            NamedTensor result = first[t].ZerosLike();
            long count = result.ElementCount;
            for (long start = 0; start < count; start += Block)
            {
                int length = (int)Math.Min(Block, count - start);
                for (int u = 0; u < n; u++)
                {
                    ElementKernels.ReadAsDouble(updates[u][t], start, values.AsSpan(u * Block, length));
                }

                for (int j = 0; j < length; j++)
                {
                    for (int u = 0; u < n; u++)
                    {
                        column[u] = values[(u * Block) + j];
                    }

                    column.AsSpan().Sort();
                    output[j] = statistic(column);
                }

                ElementKernels.WriteFromDouble(result, start, output.AsSpan(0, length));
            }

            tensors[t] = result;
        }

        return new ModelState(tensors);
    }
}
