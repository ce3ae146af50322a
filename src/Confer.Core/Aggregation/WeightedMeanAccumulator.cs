using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

/// <summary>
/// Folds updates one at a time into an example-weighted mean (FedAvg), so the aggregator holds
/// one running sum however many results arrive. Each <see cref="Fold"/> validates the whole
/// update first (layout, finite values, weight) and only then adds it, so a rejected update
/// leaves the accumulator exactly as it was.
/// </summary>
/// <remarks>
/// <para>
/// <b>Reproducibility.</b> The sum is computed element-wise as <c>acc = acc + w·x</c> (a separately
/// rounded multiply and add, never a fused one), so folding the same updates with the same weights
/// in the same order gives a bit-identical <see cref="Result"/> on every run and on every x64 or
/// Arm64 CPU, whatever the thread count. Floating-point addition is not associative: callers fold
/// in a fixed order, the collaborator-name order (ordinal), which also makes a restarted
/// aggregator reproduce the same global model.
/// </para>
/// <para>
/// <b>Working precision.</b> float32 tensors accumulate in float32 (as Flower's NumPy FedAvg does;
/// the relative error is at most about n·2⁻²⁴ for n updates); float16 and bfloat16 accumulate in
/// float32; float64 in float64. Integer and bool tensors (e.g. BatchNorm's
/// <c>num_batches_tracked</c>) accumulate the weighted sum in float64 and the mean is rounded half
/// to even back to the integer type (exact up to 2⁵³ in magnitude).
/// </para>
/// <para>
/// <b>Memory.</b> The running sums take one model's size for float32/float64 models (twice the
/// size of float16/bfloat16 tensors, 8/sizeof(T) times integer tensors), and <see cref="Result"/>
/// allocates one more model: at most 3 × the model size in total. A fold allocates O(1) objects,
/// never per element.
/// </para>
/// </remarks>
public sealed class WeightedMeanAccumulator
{
    /// <summary>Tensors smaller than this are not split across threads: the hand-off costs more than it saves.</summary>
    internal const int ParallelThreshold = 1 << 18;

    private readonly ModelState _layout;
    private readonly float[]?[] _single;
    private readonly double[]?[] _wide;
    private readonly int _degreeOfParallelism;

    /// <summary>Creates an empty accumulator for updates shaped like <paramref name="layout"/>.</summary>
    /// <param name="layout">The global model (only its names, order, shapes and element types are used).</param>
    /// <param name="maxDegreeOfParallelism">
    /// Threads a large tensor is split across when folding, validating and producing the result.
    /// Defaults to <see cref="DefaultDegreeOfParallelism"/>. The result does not depend on it.
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
        _single = new float[]?[layout.Count];
        _wide = new double[]?[layout.Count];
        for (int t = 0; t < layout.Count; t++)
        {
            NamedTensor tensor = layout[t];
            int count = checked((int)tensor.ElementCount);
            if (UsesSinglePrecision(tensor.ElementType))
            {
                _single[t] = new float[count];
            }
            else
            {
                _wide[t] = new double[count];
            }

            AccumulatorByteCount += UsesSinglePrecision(tensor.ElementType) ? 4L * count : 8L * count;
        }
    }

    /// <summary>
    /// The default number of threads a large tensor is split across: 2, or 1 on a single-core
    /// machine. Aggregation is bound by memory bandwidth, and on the machines measured a second
    /// thread raised it while more threads did not.
    /// </summary>
    public static int DefaultDegreeOfParallelism => Math.Min(2, Environment.ProcessorCount);

    /// <summary>The number of updates folded so far.</summary>
    public int Count { get; private set; }

    /// <summary>The sum of the weights folded so far (normally the total number of examples).</summary>
    public double TotalWeight { get; private set; }

    /// <summary>The bytes held by the running sums (not counting a <see cref="Result"/>).</summary>
    public long AccumulatorByteCount { get; }

    /// <summary>The layout every update must match.</summary>
    public ModelState Layout => _layout;

    /// <summary>
    /// Validates <paramref name="update"/> and adds it with weight <paramref name="weight"/>.
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
        for (int t = 0; t < update.Count; t++)
        {
            NamedTensor tensor = update[t];
            if (!tensor.ElementType.IsFloatingPoint())
            {
                continue;
            }

            long bad = FindFirstNonFinite(tensor);
            if (bad >= 0)
            {
                UpdateValidator.ThrowNonFinite(tensor, bad, description);
            }
        }

        for (int t = 0; t < update.Count; t++)
        {
            FoldTensor(t, update[t], weight);
        }

        Count++;
        TotalWeight += weight;
    }

    /// <summary>The weighted mean of the updates folded so far, as a new model state. The accumulator is unchanged and can keep folding.</summary>
    /// <returns>A new state with <see cref="Layout"/>'s names, order, shapes and element types.</returns>
    /// <exception cref="InvalidOperationException">Nothing has been folded.</exception>
    public ModelState Result()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No update has been folded; a weighted mean needs at least one result.");
        }

        var tensors = new NamedTensor[_layout.Count];
        for (int t = 0; t < _layout.Count; t++)
        {
            NamedTensor result = _layout[t].ZerosLike();
            WriteMean(t, result);
            tensors[t] = result;
        }

        return new ModelState(tensors);
    }

    /// <summary>Forgets everything folded, keeping the buffers for the next round.</summary>
    public void Reset()
    {
        for (int t = 0; t < _layout.Count; t++)
        {
            _single[t]?.AsSpan().Clear();
            _wide[t]?.AsSpan().Clear();
        }

        Count = 0;
        TotalWeight = 0;
    }

    private static bool UsesSinglePrecision(ElementType type) =>
        type is ElementType.Float32 or ElementType.Float16 or ElementType.BFloat16;

    private long FindFirstNonFinite(NamedTensor tensor)
    {
        long n = tensor.ElementCount;
        int parts = PartsFor(n);
        if (parts == 1)
        {
            return ElementKernels.FindFirstNonFinite(tensor, 0, n);
        }

        var found = new long[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            (long start, long length) = Part(n, parts, p);
            found[p] = ElementKernels.FindFirstNonFinite(tensor, start, length);
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

    private void FoldTensor(int t, NamedTensor tensor, double weight)
    {
        long n = tensor.ElementCount;
        int parts = PartsFor(n);
        if (parts == 1)
        {
            FoldRange(t, tensor, weight, 0, (int)n);
            return;
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            (long start, long length) = Part(n, parts, p);
            FoldRange(t, tensor, weight, (int)start, (int)length);
        });
    }

    private void FoldRange(int t, NamedTensor tensor, double weight, int start, int length)
    {
        Span<byte> bytes = tensor.GetBuffer().AsSpan();
        float[]? single = _single[t];
        if (single is not null)
        {
            Span<float> acc = single.AsSpan(start, length);
            float w = (float)weight;
            switch (tensor.ElementType)
            {
                case ElementType.Float32:
                    TensorPrimitives.MultiplyAdd(MemoryMarshal.Cast<byte, float>(bytes).Slice(start, length), w, acc, acc);
                    break;
                case ElementType.Float16:
                    {
                        ReadOnlySpan<Half> x = MemoryMarshal.Cast<byte, Half>(bytes).Slice(start, length);
                        Span<float> widened = stackalloc float[1024];
                        for (int i = 0; i < length; i += widened.Length)
                        {
                            int chunk = Math.Min(widened.Length, length - i);
                            TensorPrimitives.ConvertToSingle(x.Slice(i, chunk), widened[..chunk]);
                            TensorPrimitives.MultiplyAdd(widened[..chunk], w, acc.Slice(i, chunk), acc.Slice(i, chunk));
                        }

                        break;
                    }

                default:
                    {
                        ReadOnlySpan<ushort> x = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(start, length);
                        for (int i = 0; i < length; i++)
                        {
                            acc[i] += w * ElementKernels.BFloat16ToSingle(x[i]);
                        }

                        break;
                    }
            }

            return;
        }

        Span<double> wide = _wide[t]!.AsSpan(start, length);
        if (tensor.ElementType == ElementType.Float64)
        {
            TensorPrimitives.MultiplyAdd(MemoryMarshal.Cast<byte, double>(bytes).Slice(start, length), weight, wide, wide);
            return;
        }

        Span<double> values = stackalloc double[1024];
        for (int i = 0; i < length; i += values.Length)
        {
            int chunk = Math.Min(values.Length, length - i);
            ElementKernels.ReadAsDouble(tensor, start + i, values[..chunk]);
            TensorPrimitives.MultiplyAdd(values[..chunk], weight, wide.Slice(i, chunk), wide.Slice(i, chunk));
        }
    }

    private void WriteMean(int t, NamedTensor result)
    {
        long n = result.ElementCount;
        int parts = PartsFor(n);
        if (parts == 1)
        {
            WriteMeanRange(t, result, 0, (int)n);
            return;
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            (long start, long length) = Part(n, parts, p);
            WriteMeanRange(t, result, (int)start, (int)length);
        });
    }

    private void WriteMeanRange(int t, NamedTensor result, int start, int length)
    {
        Span<byte> bytes = result.GetBuffer().AsSpan();
        float[]? single = _single[t];
        if (single is not null)
        {
            ReadOnlySpan<float> acc = single.AsSpan(start, length);
            float total = (float)TotalWeight;
            switch (result.ElementType)
            {
                case ElementType.Float32:
                    TensorPrimitives.Divide(acc, total, MemoryMarshal.Cast<byte, float>(bytes).Slice(start, length));
                    break;
                case ElementType.Float16:
                    {
                        Span<Half> dst = MemoryMarshal.Cast<byte, Half>(bytes).Slice(start, length);
                        for (int i = 0; i < length; i++)
                        {
                            dst[i] = (Half)(acc[i] / total);
                        }

                        break;
                    }

                default:
                    {
                        Span<ushort> dst = MemoryMarshal.Cast<byte, ushort>(bytes).Slice(start, length);
                        for (int i = 0; i < length; i++)
                        {
                            dst[i] = ElementKernels.SingleToBFloat16(acc[i] / total);
                        }

                        break;
                    }
            }

            return;
        }

        ReadOnlySpan<double> wide = _wide[t]!.AsSpan(start, length);
        if (result.ElementType == ElementType.Float64)
        {
            TensorPrimitives.Divide(wide, TotalWeight, MemoryMarshal.Cast<byte, double>(bytes).Slice(start, length));
            return;
        }

        Span<double> means = stackalloc double[1024];
        for (int i = 0; i < length; i += means.Length)
        {
            int chunk = Math.Min(means.Length, length - i);
            TensorPrimitives.Divide(wide.Slice(i, chunk), TotalWeight, means[..chunk]);
            ElementKernels.WriteFromDouble(result, start + i, means[..chunk]);
        }
    }

    private int PartsFor(long elementCount) =>
        elementCount >= ParallelThreshold ? _degreeOfParallelism : 1;

    private static (long Start, long Length) Part(long count, int parts, int index)
    {
        // Parts start on 64-element boundaries so that no two threads write the same cache line.
        long size = (((count + parts - 1) / parts) + 63) & ~63L;
        long start = Math.Min(count, size * index);
        long end = index == parts - 1 ? count : Math.Min(count, start + size);
        return (start, end - start);
    }
}
