using System.Numerics;

namespace Confer.Data.Internal;

/// <summary>
/// xoshiro256** seeded through SplitMix64. <see cref="System.Random"/> does not promise the same
/// sequence across .NET versions or platforms; partitions and batch orders must be identical on
/// every collaborator and on every rerun, so the generator is ours.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SeededRandom(long seed)
        : this(seed, 0)
    {
    }

    /// <summary>
    /// A generator for one of many independent streams of one seed (e.g. one per epoch), so that
    /// stream <paramref name="stream"/> does not depend on how much of another was consumed.
    /// </summary>
    public SeededRandom(long seed, long stream)
    {
        ulong x = unchecked((ulong)seed);
        ulong mixed = SplitMix64(ref x) ^ unchecked((ulong)stream * 0xD1B54A32D192ED03UL);
        _s0 = SplitMix64(ref mixed);
        _s1 = SplitMix64(ref mixed);
        _s2 = SplitMix64(ref mixed);
        _s3 = SplitMix64(ref mixed);
    }

    /// <summary>A generator in a given raw state, to check the algorithm against its reference outputs.</summary>
    internal static SeededRandom FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        var random = new SeededRandom(0);
        (random._s0, random._s1, random._s2, random._s3) = (s0, s1, s2, s3);
        return random;
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        uint b = (uint)bound;
        ulong m = (ulong)(uint)(NextUInt64() >> 32) * b;
        uint low = (uint)m;
        if (low < b)
        {
            uint threshold = unchecked(0u - b) % b;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * b;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A standard normal variate (Box–Muller; one of the pair is discarded to keep no hidden state).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// The logarithm of a Gamma(<paramref name="shape"/>, 1) variate (Marsaglia and Tsang, 2000).
    /// Returned as a logarithm because for small shapes the variate itself underflows to zero,
    /// which would make every Dirichlet proportion zero.
    /// </summary>
    public double NextLogGamma(double shape)
    {
        if (shape < 1.0)
        {
            // Gamma(a) = Gamma(a + 1) · U^(1/a); in logs the product cannot underflow.
            double u = 1.0 - NextDouble();
            return NextLogGamma(shape + 1.0) + (Math.Log(u) / shape);
        }

        double d = shape - (1.0 / 3.0);
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x = NextGaussian();
            double v = 1.0 + (c * x);
            if (v <= 0.0)
            {
                continue;
            }

            v = v * v * v;
            double u = 1.0 - NextDouble();
            double x2 = x * x;
            if (u < 1.0 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1.0 - v + Math.Log(v))))
            {
                return Math.Log(d) + Math.Log(v);
            }
        }
    }

    /// <summary>Fills <paramref name="proportions"/> with a draw from the symmetric Dirichlet(<paramref name="alpha"/>).</summary>
    public void NextDirichlet(double alpha, Span<double> proportions)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < proportions.Length; i++)
        {
            proportions[i] = NextLogGamma(alpha);
            max = Math.Max(max, proportions[i]);
        }

        double sum = 0.0;
        for (int i = 0; i < proportions.Length; i++)
        {
            proportions[i] = Math.Exp(proportions[i] - max);
            sum += proportions[i];
        }

        for (int i = 0; i < proportions.Length; i++)
        {
            proportions[i] /= sum;
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
