using System.Globalization;
using Confer.Federation;

namespace FlowerTutorial;

/// <summary>Prints each finished round as it happens (synchronously, so lines keep their order).</summary>
internal sealed class RoundPrinter : IProgress<RoundProgress>
{
    public void Report(RoundProgress value)
    {
        if (value.Phase != RoundPhase.Completed)
        {
            return;
        }

        RoundRecord r = value.Record!;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"round {r.Round}: loss {r.LossDistributed:F4}, accuracy {r.MetricsDistributed.GetValueOrDefault("accuracy"):F4} ({r.EvaluateResults} clients evaluated, {r.Seconds:F1} s)"));
    }
}
