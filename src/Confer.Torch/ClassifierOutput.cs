namespace Confer.Torch;

/// <summary>What a classifier network's forward pass returns, which fixes the loss the trainer uses.</summary>
public enum ClassifierOutput
{
    /// <summary>Raw class scores; the loss is cross-entropy (as in Flower's tutorial).</summary>
    Logits = 0,

    /// <summary>Log-probabilities (a final log-softmax); the loss is negative log-likelihood (as in OpenFL's tutorial).</summary>
    LogProbabilities = 1,
}
