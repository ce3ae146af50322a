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
public static class ModelAggregation
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

    /// <summary>
    /// Krum scores (Blanchard et al. 2017): for each update, the sum of the squared L2 distances
    /// (over all elements of all tensors) to its n − f − 2 nearest other updates (at least 1).
    /// Lower is more central.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="f">The number of Byzantine updates to tolerate, 0 ≤ f &lt; n. Krum's guarantee needs n &gt; 2f + 2.</param>
    /// <returns>One score per update, in input order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="f"/> is out of range.</exception>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static double[] KrumScores(IReadOnlyList<ModelState> updates, int f)
    {
        RequireAny(updates);
        int n = updates.Count;
        if (f < 0 || f >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(f), f, $"The number of Byzantine updates f must be at least 0 and below the number of updates ({n}).");
        }

        ValidateAll(updates);
        double[,] distances = SquaredDistances(updates);
        int nearest = Math.Max(1, n - f - 2);
        var scores = new double[n];
        var row = new double[Math.Max(n - 1, 1)];
        for (int i = 0; i < n; i++)
        {
            int k = 0;
            for (int j = 0; j < n; j++)
            {
                if (j != i)
                {
                    row[k++] = distances[i, j];
                }
            }

            Span<double> others = row.AsSpan(0, k);
            others.Sort();
            double score = 0;
            for (int j = 0; j < Math.Min(nearest, k); j++)
            {
                score += others[j];
            }

            scores[i] = score;
        }

        return scores;
    }

    /// <summary>
    /// The positions of the <paramref name="m"/> updates with the lowest Krum scores, best first
    /// (ties go to the earlier position).
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="f">The number of Byzantine updates to tolerate, 0 ≤ f &lt; n.</param>
    /// <param name="m">How many to select, 1 ≤ m ≤ n. 1 is Krum.</param>
    /// <returns>Positions into <paramref name="updates"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="f"/> or <paramref name="m"/> is out of range.</exception>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static int[] KrumSelect(IReadOnlyList<ModelState> updates, int f, int m = 1)
    {
        RequireAny(updates);
        if (m < 1 || m > updates.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, $"Multi-Krum selects between 1 and the number of updates ({updates.Count}).");
        }

        double[] scores = KrumScores(updates, f);
        int[] order = Enumerable.Range(0, scores.Length).ToArray();
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[a].CompareTo(scores[b]) : a.CompareTo(b));
        return order[..m];
    }

    /// <summary>Krum: a copy of the update with the lowest Krum score (see <see cref="KrumScores"/>).</summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="f">The number of Byzantine updates to tolerate; an honest update is chosen when f &lt; (n − 2) / 2.</param>
    /// <returns>A deep copy of the selected update.</returns>
    /// <exception cref="UpdateRejectedException">An update is invalid.</exception>
    public static ModelState Krum(IReadOnlyList<ModelState> updates, int f) =>
        updates[KrumSelect(updates, f, 1)[0]].Clone();

    /// <summary>
    /// Multi-Krum (El Mhamdi et al. 2018; Flower's <c>aggregate_krum</c> with <c>to_keep</c>): the
    /// example-weighted mean of the <paramref name="m"/> updates with the lowest Krum scores,
    /// folded in input order.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="f">The number of Byzantine updates to tolerate, 0 ≤ f &lt; n.</param>
    /// <param name="m">How many updates to average, 1 ≤ m ≤ n.</param>
    /// <returns>The weighted mean of the selected updates.</returns>
    /// <exception cref="UpdateRejectedException">An update or weight is invalid.</exception>
    public static ModelState MultiKrum(IReadOnlyList<WeightedUpdate> updates, int f, int m)
    {
        RequireAny(updates);
        for (int i = 0; i < updates.Count; i++)
        {
            UpdateValidator.EnsureValidWeight(updates[i].Weight, Describe(i));
        }

        int[] selected = KrumSelect(updates.Select(u => u.State).ToArray(), f, m);
        Array.Sort(selected);
        return WeightedMean(selected.Select(i => updates[i]).ToArray());
    }

    /// <summary>
    /// The weighted geometric median by smoothed Weiszfeld iterations, tensor by tensor, like
    /// OpenFL's <c>GeometricMedian</c> (Pillutla et al. 2019, robust federated aggregation): start
    /// from the weighted mean, then repeatedly re-weight each update by αᵢ / max(eps, ‖z − xᵢ‖)
    /// and take the weighted mean again, until the objective Σ αᵢ‖z − xᵢ‖ changes by less than
    /// <paramref name="ftol"/> × objective or <paramref name="maxIterations"/> is reached.
    /// </summary>
    /// <param name="updates">At least one update; all with the first update's layout.</param>
    /// <param name="maxIterations">Weiszfeld iterations after the initial mean. OpenFL's default is 4.</param>
    /// <param name="eps">Smallest distance used in the re-weighting, so an update at the median does not get infinite weight. OpenFL's default is 1e-5.</param>
    /// <param name="ftol">Relative change of the objective below which iterations stop. OpenFL's default is 1e-6.</param>
    /// <returns>The geometric median of each tensor.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    /// <exception cref="UpdateRejectedException">An update or weight is invalid.</exception>
    public static ModelState GeometricMedian(IReadOnlyList<WeightedUpdate> updates, int maxIterations = 4, double eps = 1e-5, double ftol = 1e-6)
    {
        RequireAny(updates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        if (!(eps > 0) || !double.IsFinite(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be a positive finite distance.");
        }

        if (!(ftol >= 0) || !double.IsFinite(ftol))
        {
            throw new ArgumentOutOfRangeException(nameof(ftol), ftol, "ftol must be a non-negative finite fraction.");
        }

        ModelState[] states = updates.Select(u => u.State).ToArray();
        for (int i = 0; i < updates.Count; i++)
        {
            UpdateValidator.EnsureValidWeight(updates[i].Weight, Describe(i));
        }

        ValidateAll(states);
        double totalWeight = updates.Sum(u => u.Weight);
        double[] alphas = updates.Select(u => u.Weight / totalWeight).ToArray();

        var tensors = new NamedTensor[states[0].Count];
        for (int t = 0; t < tensors.Length; t++)
        {
            NamedTensor[] points = states.Select(s => s[t]).ToArray();
            double[] median = WeightedAverage(points, alphas);
            double objective = Objective(points, alphas, median);
            var weights = new double[points.Length];
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                double previous = objective;
                double[] distances = Distances(points, median);
                double sum = 0;
                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] = alphas[i] / Math.Max(eps, distances[i]);
                    sum += weights[i];
                }

                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] /= sum;
                }

                median = WeightedAverage(points, weights);
                objective = Objective(points, alphas, median);
                if (Math.Abs(previous - objective) < ftol * objective)
                {
                    break;
                }
            }

            NamedTensor result = points[0].ZerosLike();
            ElementKernels.WriteFromDouble(result, 0, median);
            tensors[t] = result;
        }

        return new ModelState(tensors);
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

    private static double[,] SquaredDistances(IReadOnlyList<ModelState> updates)
    {
        int n = updates.Count;
        var distances = new double[n, n];
        var values = new double[n * Block];
        for (int t = 0; t < updates[0].Count; t++)
        {
            long count = updates[0][t].ElementCount;
            for (long start = 0; start < count; start += Block)
            {
                int length = (int)Math.Min(Block, count - start);
                for (int u = 0; u < n; u++)
                {
                    ElementKernels.ReadAsDouble(updates[u][t], start, values.AsSpan(u * Block, length));
                }

                for (int a = 0; a < n; a++)
                {
                    ReadOnlySpan<double> x = values.AsSpan(a * Block, length);
                    for (int b = a + 1; b < n; b++)
                    {
                        ReadOnlySpan<double> y = values.AsSpan(b * Block, length);
                        double d = 0;
                        for (int j = 0; j < length; j++)
                        {
                            double diff = x[j] - y[j];
                            d += diff * diff;
                        }

                        distances[a, b] += d;
                        distances[b, a] += d;
                    }
                }
            }
        }

        return distances;
    }

    private static double[] WeightedAverage(NamedTensor[] points, double[] weights)
    {
        double total = weights.Sum();
        var result = new double[checked((int)points[0].ElementCount)];
        Span<double> values = stackalloc double[Block];
        for (int p = 0; p < points.Length; p++)
        {
            double w = weights[p] / total;
            for (int start = 0; start < result.Length; start += Block)
            {
                int length = Math.Min(Block, result.Length - start);
                ElementKernels.ReadAsDouble(points[p], start, values[..length]);
                Span<double> dst = result.AsSpan(start, length);
                for (int j = 0; j < length; j++)
                {
                    dst[j] += w * values[j];
                }
            }
        }

        return result;
    }

    private static double[] Distances(NamedTensor[] points, double[] center)
    {
        var distances = new double[points.Length];
        Span<double> values = stackalloc double[Block];
        for (int p = 0; p < points.Length; p++)
        {
            double sum = 0;
            for (int start = 0; start < center.Length; start += Block)
            {
                int length = Math.Min(Block, center.Length - start);
                ElementKernels.ReadAsDouble(points[p], start, values[..length]);
                ReadOnlySpan<double> c = center.AsSpan(start, length);
                for (int j = 0; j < length; j++)
                {
                    double diff = values[j] - c[j];
                    sum += diff * diff;
                }
            }

            distances[p] = Math.Sqrt(sum);
        }

        return distances;
    }

    private static double Objective(NamedTensor[] points, double[] alphas, double[] median)
    {
        double[] distances = Distances(points, median);
        double objective = 0;
        for (int i = 0; i < distances.Length; i++)
        {
            objective += alphas[i] * distances[i];
        }

        return objective;
    }
}
