namespace Confer.Torch;

/// <summary>Progress of a training epoch, reported after each batch.</summary>
/// <param name="Epoch">The epoch number passed to the trainer.</param>
/// <param name="BatchesDone">Batches finished so far.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="ExamplesDone">Examples trained on so far.</param>
/// <param name="RunningLoss">The example-weighted mean loss so far.</param>
public sealed record TrainProgress(int Epoch, int BatchesDone, int BatchCount, long ExamplesDone, double RunningLoss);
