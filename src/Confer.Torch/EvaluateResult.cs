namespace Confer.Torch;

/// <summary>What an evaluation measured.</summary>
/// <param name="Loss">The mean loss per example.</param>
/// <param name="Accuracy">The fraction of examples classified correctly, in [0, 1].</param>
/// <param name="ExampleCount">The number of examples evaluated.</param>
public sealed record EvaluateResult(double Loss, double Accuracy, long ExampleCount);
