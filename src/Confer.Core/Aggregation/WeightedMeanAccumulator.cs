using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Confer.Core.Aggregation.Internal;

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
public sealed class WeightedMeanAccumulator
{
    /// <summary>Tensors smaller than this are not split across threads: the hand-off costs more than it saves.</summary>
    internal const int ParallelThreshold = 1 << 18;

    private readonly ModelState _layout;

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
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (maxDegreeOfParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "At least one thread is needed.");
        }

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
                ElementType.Float32 or ElementType.Float64 => CheckAndFoldIntoSpare(t, tensor, weight, first),
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
                    FoldInPlace(t, update[t], weight, first);
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

    private void EnsureNotEmpty()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No update has been folded; a weighted mean needs at least one result.");
        }
    }

    private long FindFirstNonFinite(NamedTensor tensor) =>
        ForParts(tensor.ElementCount, (start, length) => ElementKernels.FindFirstNonFinite(tensor, start, length));

    private long CheckAndFoldIntoSpare(int t, NamedTensor tensor, double weight, bool first)
    {
        byte[] current = _sums[t]!;
        byte[] spare = _spares[t] ??= new byte[current.LongLength];
        byte[] update = tensor.GetBuffer();
        return ForParts(tensor.ElementCount, (start, length) =>
        {
            int s = (int)start;
            int n = (int)length;
            int bad = tensor.ElementType == ElementType.Float32
                ? FusedKernels.MultiplyAddChecked(
                    MemoryMarshal.Cast<byte, float>(update.AsSpan()).Slice(s, n),
                    (float)weight,
                    MemoryMarshal.Cast<byte, float>(current.AsSpan()).Slice(s, n),
                    MemoryMarshal.Cast<byte, float>(spare.AsSpan()).Slice(s, n),
                    first)
                : FusedKernels.MultiplyAddChecked(
                    MemoryMarshal.Cast<byte, double>(update.AsSpan()).Slice(s, n),
                    weight,
                    MemoryMarshal.Cast<byte, double>(current.AsSpan()).Slice(s, n),
                    MemoryMarshal.Cast<byte, double>(spare.AsSpan()).Slice(s, n),
                    first);
            return bad < 0 ? -1 : start + bad;
        });
    }

    private void FoldInPlace(int t, NamedTensor tensor, double weight, bool first) =>
        ForParts(tensor.ElementCount, (start, length) =>
        {
            FoldInPlaceRange(t, tensor, weight, (int)start, (int)length, first);
            return -1;
        });

    private void FoldInPlaceRange(int t, NamedTensor tensor, double weight, int start, int length, bool first)
    {
        Span<byte> bytes = tensor.GetBuffer().AsSpan();
        float[]? single = _single[t];
        if (single is not null)
        {
            Span<float> acc = single.AsSpan(start, length);
            if (first)
            {
                acc.Clear();
            }

            float w = (float)weight;
            if (tensor.ElementType == ElementType.Float16)
            {
                ReadOnlySpan<Half> x = MemoryMarshal.Cast<byte, Half>(bytes).Slice(start, length);
                Span<float> widened = stackalloc float[1024];
                for (int i = 0; i < length; i += widened.Length)
                {
                    int n = Math.Min(widened.Length, length - i);
                    TensorPrimitives.ConvertToSingle(x.Slice(i, n), widened[..n]);
                    TensorPrimitives.MultiplyAdd(widened[..n], w, acc.Slice(i, n), acc.Slice(i, n));
                }
            }
            else
            {
                ReadOnlySpan<ushort> x = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(start, length);
                for (int i = 0; i < length; i++)
                {
                    acc[i] += w * ElementKernels.BFloat16ToSingle(x[i]);
                }
            }

            return;
        }

        Span<double> wide = _wide[t]!.AsSpan(start, length);
        if (first)
        {
            wide.Clear();
        }

        Span<double> values = stackalloc double[1024];
        for (int i = 0; i < length; i += values.Length)
        {
            int n = Math.Min(values.Length, length - i);
            ElementKernels.ReadAsDouble(tensor, start + i, values[..n]);
            TensorPrimitives.MultiplyAdd(values[..n], weight, wide.Slice(i, n), wide.Slice(i, n));
        }
    }

    private void WriteMean(int t, NamedTensor result) =>
        ForParts(result.ElementCount, (start, length) =>
        {
            WriteMeanRange(t, result, (int)start, (int)length);
            return -1;
        });

    private void WriteMeanRange(int t, NamedTensor result, int start, int length)
    {
        Span<byte> bytes = result.GetBuffer().AsSpan();
        byte[]? sums = _sums[t];
        if (sums is not null)
        {
            if (result.ElementType == ElementType.Float32)
            {
                TensorPrimitives.Divide(MemoryMarshal.Cast<byte, float>(sums.AsSpan()).Slice(start, length), (float)TotalWeight, MemoryMarshal.Cast<byte, float>(bytes).Slice(start, length));
            }
            else
            {
                TensorPrimitives.Divide(MemoryMarshal.Cast<byte, double>(sums.AsSpan()).Slice(start, length), TotalWeight, MemoryMarshal.Cast<byte, double>(bytes).Slice(start, length));
            }

            return;
        }

        float[]? single = _single[t];
        if (single is not null)
        {
            ReadOnlySpan<float> acc = single.AsSpan(start, length);
            float total = (float)TotalWeight;
            switch (result.ElementType)
            {
                case ElementType.Float16:
                    {
                        Span<Half> destination = MemoryMarshal.Cast<byte, Half>(bytes).Slice(start, length);
                        for (int i = 0; i < length; i++)
                        {
                            destination[i] = (Half)(acc[i] / total);
                        }

                        break;
                    }

                default:
                    {
                        Span<ushort> destination = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(start, length);
                        for (int i = 0; i < length; i++)
                        {
                            destination[i] = ElementKernels.SingleToBFloat16(acc[i] / total);
                        }

                        break;
                    }
            }

            return;
        }

        ReadOnlySpan<double> wide = _wide[t]!.AsSpan(start, length);
        Span<double> means = stackalloc double[1024];
        for (int i = 0; i < length; i += means.Length)
        {
            int n = Math.Min(means.Length, length - i);
            TensorPrimitives.Divide(wide.Slice(i, n), TotalWeight, means[..n]);
            ElementKernels.WriteFromDouble(result, start + i, means[..n]);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> over [0, count), split into contiguous parts across threads
    /// when the tensor is large, and returns the smallest non-negative index any part returned, or -1.
    /// </summary>
    private long ForParts(long count, Func<long, long, long> work)
    {
        int parts = count >= ParallelThreshold ? _degreeOfParallelism : 1;
        if (parts == 1)
        {
            return work(0, count);
        }

        var found = new long[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            // Parts start on 64-element boundaries so that no two threads write the same cache line.
            long size = (((count + parts - 1) / parts) + 63) & ~63L;
            long start = Math.Min(count, size * p);
            long end = p == parts - 1 ? count : Math.Min(count, start + size);
            found[p] = work(start, end - start);
        });
        foreach (long index in found)
        {
            if (index >= 0)
            {
                return index;
            }
        }

        return -1;
    }
}
