using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

// The distance-based robust aggregators: Krum, Multi-Krum and the geometric median.
public static partial class ModelAggregation
{
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

    /// <summary>
    /// The Euclidean distance between two states of the same layout, over every element of every
    /// tensor, in float64: how far training moved a model (FedProx keeps it near the global model),
    /// or how far apart two updates are (what Krum ranks by).
    /// </summary>
    /// <param name="a">One state.</param>
    /// <param name="b">The other, with the same tensor names, order, shapes and element types.</param>
    /// <returns>‖a − b‖₂.</returns>
    /// <exception cref="UpdateRejectedException">The layouts differ.</exception>
    public static double Distance(ModelState a, ModelState b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        UpdateValidator.EnsureSameLayout(a, b, "the second state");
        return Math.Sqrt(SquaredDistances([a, b])[0, 1]);
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
