namespace Confer.Federation.Controllers;

/// <summary>
/// Where the round controller keeps its commit point: one checkpoint, rewritten atomically after
/// every aggregated round (and once before the first). A controller that finds one resumes at
/// its round with its global model and strategy state, so a killed aggregator loses nothing it
/// had committed. A real federation keeps it on disk next to the stored replies.
/// </summary>
public interface IRoundCheckpointStore
{
    /// <summary>The last checkpoint written for this run, or <see langword="null"/> when there is none.</summary>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="InvalidDataException">A checkpoint exists but cannot be read.</exception>
    RoundCheckpoint? Read();

    /// <summary>Writes <paramref name="checkpoint"/> atomically: once this returns, a restart resumes at its round.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    void Write(RoundCheckpoint checkpoint);
}
