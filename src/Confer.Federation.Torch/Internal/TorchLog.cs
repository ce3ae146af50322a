using Microsoft.Extensions.Logging;

namespace Confer.Federation.Torch.Internal;

/// <summary>The torch_cnn task runner's log lines on a collaborator.</summary>
internal static partial class TorchLog
{
    [LoggerMessage(400, LogLevel.Information, "Collaborator {Collaborator} loaded {Train} training and {Test} test examples of Fashion-MNIST from {Source}")]
    public static partial void DataLoaded(ILogger logger, string collaborator, int train, int test, string source);

    [LoggerMessage(401, LogLevel.Information, "Collaborator {Collaborator} trains OpenFlCnn with SGD (learning rate {LearningRate}, momentum {Momentum}, batch size {BatchSize}, opt_treatment {OptTreatment})")]
    public static partial void Training(ILogger logger, string collaborator, double learningRate, double momentum, int batchSize, string optTreatment);
}
