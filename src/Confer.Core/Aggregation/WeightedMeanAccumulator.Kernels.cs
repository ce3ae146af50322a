using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

// The per-element work of a fold and of writing the mean, by element type, split across at most
// two threads for large tensors. The accumulator's contract is WeightedMeanAccumulator.cs.
public sealed partial class WeightedMeanAccumulator
{
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
        double totalWeight = WeightOf(t, TotalWeight);
        byte[]? sums = _sums[t];
        if (sums is not null)
        {
            if (result.ElementType == ElementType.Float32)
            {
                TensorPrimitives.Divide(MemoryMarshal.Cast<byte, float>(sums.AsSpan()).Slice(start, length), (float)totalWeight, MemoryMarshal.Cast<byte, float>(bytes).Slice(start, length));
            }
            else
            {
                TensorPrimitives.Divide(MemoryMarshal.Cast<byte, double>(sums.AsSpan()).Slice(start, length), totalWeight, MemoryMarshal.Cast<byte, double>(bytes).Slice(start, length));
            }

            return;
        }

        float[]? single = _single[t];
        if (single is not null)
        {
            ReadOnlySpan<float> acc = single.AsSpan(start, length);
            float total = (float)totalWeight;
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
            TensorPrimitives.Divide(wide.Slice(i, n), totalWeight, means[..n]);
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
