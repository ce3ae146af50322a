namespace Confer.Torch;

/// <summary>What one training epoch did.</summary>
/// <param name="Loss">The example-weighted mean training loss over the epoch (without the FedProx and FedCurv terms).</param>
/// <param name="Accuracy">The fraction of training examples classified correctly during the epoch, in [0, 1].</param>
/// <param name="ExampleCount">The number of examples trained on.</param>
/// <param name="BatchCount">The number of optimizer steps taken.</param>
/// <param name="NonFiniteLossCount">The number of batches whose loss was NaN or infinite (0 on a healthy run).</param>
/// <param name="Elapsed">Wall-clock time of the epoch.</param>
public sealed record TrainResult(double Loss, double Accuracy, long ExampleCount, int BatchCount, int NonFiniteLossCount, TimeSpan Elapsed);
