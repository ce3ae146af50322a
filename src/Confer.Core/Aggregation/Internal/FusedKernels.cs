using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Confer.Core.Aggregation.Internal;

/// <summary>
/// The streaming accumulator's inner loop: <c>destination = addend + w·x</c> (or <c>w·x</c> for the
/// first fold) while checking x for NaN and infinity, in one pass over memory.
/// </summary>
/// <remarks>
/// Checking first and adding afterwards reads every update twice, and an update is far larger than
/// any cache; fusing the two makes a fold cost what a plain <c>acc += x</c> costs. The destination
/// is a spare buffer nobody reads until the whole update has passed, so the check may lag the
/// stores. Stores are non-temporal: the destination is not read again before the next fold, and
/// bypassing the cache saves reading each line before overwriting it. The multiply and the add are
/// rounded separately (no fused multiply-add), exactly as <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
/// and the scalar tail do, so the result does not depend on the path taken.
/// </remarks>
internal static unsafe class FusedKernels
{
    /// <summary>Elements between checks of the running non-finite flag.</summary>
    private const int Block = 4096;

    /// <summary>Fused multiply-add-and-check for float32; returns the index of the first non-finite x, or -1.</summary>
    public static int MultiplyAddChecked(ReadOnlySpan<float> x, float weight, ReadOnlySpan<float> addend, Span<float> destination, bool overwrite)
    {
        if (!Vector256.IsHardwareAccelerated || !Sse.IsSupported)
        {
            return Fallback(x, weight, addend, destination, overwrite);
        }

        int n = x.Length;
        fixed (float* px = x, pa = addend, pd = destination)
        {
            int i = 0;
            while (i < n && ((nuint)(pd + i) & 31) != 0)
            {
                if (!float.IsFinite(px[i]))
                {
                    return i;
                }

                pd[i] = overwrite ? weight * px[i] : pa[i] + (weight * px[i]);
                i++;
            }

            Vector256<float> w = Vector256.Create(weight);
            Vector256<uint> exponent = Vector256.Create(0x7F800000u);
            while (n - i >= Vector256<float>.Count)
            {
                int start = i;
                int end = i + Math.Min(Block, (n - i) & ~(Vector256<float>.Count - 1));
                Vector256<uint> bad = Vector256<uint>.Zero;
                if (overwrite)
                {
                    for (; i < end; i += Vector256<float>.Count)
                    {
                        Vector256<float> v = Vector256.Load(px + i);
                        bad |= Vector256.Equals(v.AsUInt32() & exponent, exponent);
                        Vector256.StoreAlignedNonTemporal(w * v, pd + i);
                    }
                }
                else
                {
                    for (; i < end; i += Vector256<float>.Count)
                    {
                        Vector256<float> v = Vector256.Load(px + i);
                        bad |= Vector256.Equals(v.AsUInt32() & exponent, exponent);
                        Vector256.StoreAlignedNonTemporal(Vector256.Load(pa + i) + (w * v), pd + i);
                    }
                }

                if (bad != Vector256<uint>.Zero)
                {
                    Sse.StoreFence();
                    return start + ElementKernels.IndexOfNonFinite(x[start..end]);
                }
            }

            for (; i < n; i++)
            {
                if (!float.IsFinite(px[i]))
                {
                    Sse.StoreFence();
                    return i;
                }

                pd[i] = overwrite ? weight * px[i] : pa[i] + (weight * px[i]);
            }

            // Non-temporal stores are weakly ordered: make them visible before another thread reads the sums.
            Sse.StoreFence();
        }

        return -1;
    }

    /// <summary>Fused multiply-add-and-check for float64; returns the index of the first non-finite x, or -1.</summary>
    public static int MultiplyAddChecked(ReadOnlySpan<double> x, double weight, ReadOnlySpan<double> addend, Span<double> destination, bool overwrite)
    {
        if (!Vector256.IsHardwareAccelerated || !Sse.IsSupported)
        {
            return Fallback(x, weight, addend, destination, overwrite);
        }

        int n = x.Length;
        fixed (double* px = x, pa = addend, pd = destination)
        {
            int i = 0;
            while (i < n && ((nuint)(pd + i) & 31) != 0)
            {
                if (!double.IsFinite(px[i]))
                {
                    return i;
                }

                pd[i] = overwrite ? weight * px[i] : pa[i] + (weight * px[i]);
                i++;
            }

            Vector256<double> w = Vector256.Create(weight);
            Vector256<ulong> exponent = Vector256.Create(0x7FF0000000000000ul);
            while (n - i >= Vector256<double>.Count)
            {
                int start = i;
                int end = i + Math.Min(Block, (n - i) & ~(Vector256<double>.Count - 1));
                Vector256<ulong> bad = Vector256<ulong>.Zero;
                if (overwrite)
                {
                    for (; i < end; i += Vector256<double>.Count)
                    {
                        Vector256<double> v = Vector256.Load(px + i);
                        bad |= Vector256.Equals(v.AsUInt64() & exponent, exponent);
                        Vector256.StoreAlignedNonTemporal(w * v, pd + i);
                    }
                }
                else
                {
                    for (; i < end; i += Vector256<double>.Count)
                    {
                        Vector256<double> v = Vector256.Load(px + i);
                        bad |= Vector256.Equals(v.AsUInt64() & exponent, exponent);
                        Vector256.StoreAlignedNonTemporal(Vector256.Load(pa + i) + (w * v), pd + i);
                    }
                }

                if (bad != Vector256<ulong>.Zero)
                {
                    Sse.StoreFence();
                    return start + ElementKernels.IndexOfNonFinite(x[start..end]);
                }
            }

            for (; i < n; i++)
            {
                if (!double.IsFinite(px[i]))
                {
                    Sse.StoreFence();
                    return i;
                }

                pd[i] = overwrite ? weight * px[i] : pa[i] + (weight * px[i]);
            }

            Sse.StoreFence();
        }

        return -1;
    }

    /// <summary>Portable path (e.g. Arm64): check a cache-sized chunk, then fold it with TensorPrimitives.</summary>
    private static int Fallback<T>(ReadOnlySpan<T> x, T weight, ReadOnlySpan<T> addend, Span<T> destination, bool overwrite)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int chunk = (512 * 1024) / sizeof(T);
        for (int i = 0; i < x.Length; i += chunk)
        {
            int n = Math.Min(chunk, x.Length - i);
            ReadOnlySpan<T> part = x.Slice(i, n);
            if (!TensorPrimitives.IsFiniteAll(part))
            {
                return i + ElementKernels.IndexOfNonFinite(part);
            }

            if (overwrite)
            {
                TensorPrimitives.Multiply(part, weight, destination.Slice(i, n));
            }
            else
            {
                TensorPrimitives.MultiplyAdd(part, weight, addend.Slice(i, n), destination.Slice(i, n));
            }
        }

        return -1;
    }
}
