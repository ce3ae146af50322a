using Confer.Federation;

namespace SimulationEngine;

/// <summary>Calls back after every <c>every</c>-th folded fit result (synchronously, on the engine's fold thread).</summary>
internal sealed class FoldObserver(int every, Action onFold) : IProgress<RoundProgress>
{
    private int _folds;

    public void Report(RoundProgress value)
    {
        if (value.Phase == RoundPhase.Fit && ++_folds % every == 0)
        {
            onFold();
        }
    }
}
