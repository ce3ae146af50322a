namespace Confer.Core.Aggregation;

/// <summary>
/// Folds updates one at a time into an example-weighted mean (FedAvg), so the aggregator holds
/// running sums of one model's shape however many results arrive. Each <see cref="Fold"/> checks
/// the layout, the weight and every value, and a rejected update leaves the accumulator exactly
/// as it was: nothing of it is folded.
/// </summary>
/// <remarks>
/// <para>
/// <b>Reproducibility.</b> The sum is computed element-wise as <c>acc = acc + w·x</c> (a separately
/// rounded multiply and add, never a fused one; the first fold stores <c>w·x</c>), so folding the
/// same updates with the same weights in the same order gives a bit-identical <see cref="Result"/>
/// on every run, on every CPU and for every thread count. Floating-point addition is not
/// associative: callers fold in a fixed order, the collaborator-name order (ordinal), which also
/// makes a restarted aggregator reproduce the same global model.
/// </para>
/// <para>
/// <b>Working precision.</b> float32 tensors accumulate in float32 (as Flower's NumPy FedAvg does;
/// the relative error is at most about n·2⁻²⁴ for n updates); float16 and bfloat16 accumulate in
/// float32; float64 in float64. Integer and bool tensors (e.g. BatchNorm's
/// <c>num_batches_tracked</c>) accumulate the weighted sum in float64 and the mean is rounded half
/// to even back to the integer type (exact up to 2⁵³ in magnitude).
/// </para>
/// <para>
/// <b>Memory and speed.</b> float32 and float64 tensors keep two sums, the current one and a spare:
/// a fold checks the update for non-finite values while it adds it into the spare
/// (current + w·x), so each update is read from memory once; the spare becomes
/// current only when the whole update has passed. The running sums thus take 2 × the model's size
/// for float32/float64 models (float16/bfloat16 tensors keep one float32 sum, also 2 × their size;
/// integer tensors one float64 sum, 8 / their element size). <see cref="Result"/> hands the spare
/// over as the result's buffer, and <see cref="WriteResult"/> writes into a buffer the caller keeps,
/// so the peak stays at 2 × the model size (3 × if folding resumes after a <see cref="Result"/>,
/// which allocates a new spare). A fold allocates O(1) objects, never per element.
/// </para>
/// </remarks>
public sealed partial class WeightedMeanAccumulator
{
    /// <summary>Tensors smaller than this are not split across threads: the hand-off costs more than it saves.</summary>
    internal const int ParallelThreshold = 1 << 18;

    private readonly ModelState _layout;

    // Tensors summed without weights (FedCurv's u, v, w) rather than averaged.
    private readonly bool[] _summed;

    // float32 and float64 tensors: the current sums and the spare, as raw bytes so that a spare can
    // become a result tensor's buffer without a copy. Other types keep one float32 or float64 sum.
    private readonly byte[]?[] _sums;
    private readonly byte[]?[] _spares;
    private readonly float[]?[] _single;
    private readonly double[]?[] _wide;
    private readonly int _degreeOfParallelism;

    /// <summary>Creates an empty accumulator for updates shaped like <paramref name="layout"/>.</summary>
    /// <param name="layout">The global model (only its names, order, shapes and element types are used).</param>
    /// <param name="maxDegreeOfParallelism">
    /// Threads a large tensor is split across when folding and producing the result. Defaults to
    /// <see cref="DefaultDegreeOfParallelism"/>. The result does not depend on it.
    /// </param>
    public WeightedMeanAccumulator(ModelState layout, int? maxDegreeOfParallelism = null)
        : this(layout, [], maxDegreeOfParallelism)
    {
    }

    /// <summary>
    /// Creates an empty accumulator for updates shaped like <paramref name="layout"/> whose tensors
    /// named in <paramref name="summedTensors"/> are summed without weights instead of averaged
    /// (FedCurv's Fisher tensors, <see cref="FedCurvTensors"/>): Σ xᵢ, folded in the same order and
    /// with the same validation as the means.
    /// </summary>
    /// <param name="layout">The global model (only its names, order, shapes and element types are used).</param>
    /// <param name="summedTensors">Names of tensors of <paramref name="layout"/> to sum; empty for a plain weighted mean.</param>
    /// <param name="maxDegreeOfParallelism">
    /// Threads a large tensor is split across when folding and producing the result. Defaults to
    /// <see cref="DefaultDegreeOfParallelism"/>. The result does not depend on it.
    /// </param>
    /// <exception cref="ArgumentException">A summed name is not a tensor of <paramref name="layout"/>.</exception>
    public WeightedMeanAccumulator(ModelState layout, IEnumerable<string> summedTensors, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(summedTensors);
        if (maxDegreeOfParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "At least one thread is needed.");
        }

        _summed = new bool[layout.Count];
        var names = new HashSet<string>(summedTensors, StringComparer.Ordinal);
        for (int t = 0; t < layout.Count; t++)
        {
            _summed[t] = names.Remove(layout[t].Name);
        }

        if (names.Count > 0)
        {
            throw new ArgumentException($"The tensors to sum must be tensors of the layout, but it has no {string.Join(", ", names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}.", nameof(summedTensors));
        }

        SummedTensors = [.. Enumerable.Range(0, layout.Count).Where(t => _summed[t]).Select(t => layout[t].Name)];
        _layout = layout;
        _degreeOfParallelism = maxDegreeOfParallelism ?? DefaultDegreeOfParallelism;
        _sums = new byte[]?[layout.Count];
        _spares = new byte[]?[layout.Count];
        _single = new float[]?[layout.Count];
        _wide = new double[]?[layout.Count];
        for (int t = 0; t < layout.Count; t++)
        {
            NamedTensor tensor = layout[t];
            int count = checked((int)tensor.ElementCount);
            switch (tensor.ElementType)
            {
                case ElementType.Float32:
                case ElementType.Float64:
                    _sums[t] = new byte[tensor.ByteCount];
                    _spares[t] = new byte[tensor.ByteCount];
                    break;
                case ElementType.Float16:
                case ElementType.BFloat16:
                    _single[t] = new float[count];
                    break;
                default:
                    _wide[t] = new double[count];
                    break;
            }
        }
    }

    /// <summary>
    /// The default number of threads a large tensor is split across: 2, or 1 on a single-core
    /// machine. A fold is bound by memory bandwidth; on large servers one core cannot draw all of
    /// it, while on the 2-core development machine 1 and 2 threads measured the same within noise
    /// (see <c>bench/run.sh aggregate</c>). More threads would compete with the aggregator's I/O.
    /// </summary>
    public static int DefaultDegreeOfParallelism => Math.Min(2, Environment.ProcessorCount);

    /// <summary>The number of updates folded so far.</summary>
    public int Count { get; private set; }

    /// <summary>The sum of the weights folded so far (normally the total number of examples).</summary>
    public double TotalWeight { get; private set; }

    /// <summary>The bytes held now by the running sums and spares (not counting a <see cref="Result"/> handed out).</summary>
    public long AccumulatorByteCount
    {
        get
        {
            long total = 0;
            for (int t = 0; t < _layout.Count; t++)
            {
                total += (_sums[t]?.LongLength ?? 0) + (_spares[t]?.LongLength ?? 0)
                    + (4L * (_single[t]?.LongLength ?? 0)) + (8L * (_wide[t]?.LongLength ?? 0));
            }

            return total;
        }
    }

    /// <summary>The layout every update must match.</summary>
    public ModelState Layout => _layout;

    /// <summary>The tensors summed without weights instead of averaged, in layout order; empty (the default) for a plain weighted mean.</summary>
    public IReadOnlyList<string> SummedTensors { get; }

    /// <summary>
    /// Checks <paramref name="update"/> and adds it with weight <paramref name="weight"/>.
    /// Fold in collaborator-name order to make the result reproducible bit for bit.
    /// </summary>
    /// <param name="update">The update: same names, order, shapes and element types as <see cref="Layout"/>, only finite values.</param>
    /// <param name="weight">The update's weight, normally its number of training examples; finite and greater than zero.</param>
    /// <param name="description">What the update is, for error messages, e.g. "the update from portland".</param>
    /// <exception cref="UpdateRejectedException">The update or its weight is invalid; nothing was folded.</exception>
    public void Fold(ModelState update, double weight, string description = "the update")
    {
        UpdateValidator.EnsureValidWeight(weight, description);
        UpdateValidator.EnsureSameLayout(_layout, update, description);
        bool first = Count == 0;

        // Phase 1: check everything; double-buffered tensors are folded into their spare sums on
        // the way, which nobody sees until phase 2.
        for (int t = 0; t < update.Count; t++)
        {
            NamedTensor tensor = update[t];
            long bad = tensor.ElementType switch
            {
                ElementType.Float32 or ElementType.Float64 => CheckAndFoldIntoSpare(t, tensor, WeightOf(t, weight), first),
                ElementType.Float16 or ElementType.BFloat16 => FindFirstNonFinite(tensor),
                _ => -1,
            };
            if (bad >= 0)
            {
                UpdateValidator.ThrowNonFinite(tensor, bad, description);
            }
        }

        // Phase 2: the update is valid; publish the spares and fold the single-buffered tensors.
        for (int t = 0; t < update.Count; t++)
        {
            switch (update[t].ElementType)
            {
                case ElementType.Float32:
                case ElementType.Float64:
                    (_sums[t], _spares[t]) = (_spares[t], _sums[t]);
                    break;
                default:
                    FoldInPlace(t, update[t], WeightOf(t, weight), first);
                    break;
            }
        }

        Count++;
        TotalWeight += weight;
    }

    /// <summary>
    /// The weighted mean of the updates folded so far, as a new model state. The accumulator's sums
    /// are unchanged and it can keep folding. The spare sums of float32 and float64 tensors become
    /// the result's buffers (a new spare is allocated if folding resumes), so producing a result
    /// does not raise the accumulator's peak above 2 × the model size.
    /// </summary>
    /// <returns>A new state with <see cref="Layout"/>'s names, order, shapes and element types.</returns>
    /// <exception cref="InvalidOperationException">Nothing has been folded.</exception>
    public ModelState Result()
    {
        EnsureNotEmpty();
        var tensors = new NamedTensor[_layout.Count];
        for (int t = 0; t < _layout.Count; t++)
        {
            NamedTensor layout = _layout[t];
            NamedTensor result;
            if (_sums[t] is not null)
            {
                byte[] buffer = _spares[t] ?? new byte[layout.ByteCount];
                _spares[t] = null;
                result = new NamedTensor(layout.Name, layout.ElementType, layout.Shape, buffer);
            }
            else
            {
                result = layout.ZerosLike();
            }

            WriteMean(t, result);
            tensors[t] = result;
        }

        return new ModelState(tensors);
    }

    /// <summary>
    /// Writes the weighted mean of the updates folded so far into <paramref name="destination"/>'s
    /// buffers, for an aggregator that keeps one buffer for the next global model: it avoids
    /// allocating (and first touching) a model-sized buffer every round.
    /// </summary>
    /// <param name="destination">A state with <see cref="Layout"/>'s names, order, shapes and element types; its values are overwritten.</param>
    /// <exception cref="InvalidOperationException">Nothing has been folded.</exception>
    /// <exception cref="IncompatibleModelStateException"><paramref name="destination"/> has another layout.</exception>
    public void WriteResult(ModelState destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnsureNotEmpty();
        _layout.EnsureCompatible(destination, "the destination of the weighted mean");
        for (int t = 0; t < _layout.Count; t++)
        {
            WriteMean(t, destination[t]);
        }
    }

    /// <summary>Forgets everything folded, keeping the buffers for the next round.</summary>
    public void Reset()
    {
        // The next fold overwrites the sums instead of adding to them, so nothing needs clearing.
        Count = 0;
        TotalWeight = 0;
    }

    // A summed tensor is folded with weight 1 and divided by 1.
    private double WeightOf(int t, double weight) => _summed[t] ? 1 : weight;

    private void EnsureNotEmpty()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No update has been folded; a weighted mean needs at least one result.");
        }
    }
}
