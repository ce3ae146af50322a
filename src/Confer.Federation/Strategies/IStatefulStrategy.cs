using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>
/// A strategy that keeps state from round to round (a server optimizer's moments): the round
/// controller saves it in each round checkpoint and restores it after a restart, so a resumed
/// federation computes the same models, bit for bit.
/// </summary>
public interface IStatefulStrategy
{
    /// <summary>A copy of the state, as named tensors, and the number of steps it reflects; an empty state and 0 before the first step.</summary>
    /// <returns>The state.</returns>
    (ModelState State, int Steps) ExportState();

    /// <summary>Restores what <see cref="ExportState"/> returned.</summary>
    /// <param name="state">The state; empty means "no step taken yet".</param>
    /// <param name="steps">The number of steps it reflects.</param>
    /// <exception cref="InvalidDataException">The state is not one this strategy keeps.</exception>
    void ImportState(ModelState state, int steps);
}
