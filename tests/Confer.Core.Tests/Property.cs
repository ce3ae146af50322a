using CsCheck;

namespace Confer.Core.Tests;

/// <summary>
/// Runs CsCheck properties deterministically: iteration i uses the fixed seed derived from
/// (stream, i), so every run checks the same cases and a failure names the seed to replay with
/// <c>gen.Sample(assert, seed: "...", iter: 1)</c>.
/// </summary>
internal static class Property
{
    public static void ForAll<T>(Gen<T> gen, Action<T> assert, int iterations = 100, uint stream = 7)
    {
        for (int i = 0; i < iterations; i++)
        {
            string seed = new PCG(stream, (ulong)(1000 + i)).ToString();
            gen.Sample(assert, seed: seed, iter: 1, threads: 1);
        }
    }
}
