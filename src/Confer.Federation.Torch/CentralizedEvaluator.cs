using Confer.Core;
using Confer.Data;
using Confer.Federation.Strategies;
using Confer.Torch;
using TorchEvaluateResult = Confer.Torch.EvaluateResult;

namespace Confer.Federation.Torch;

/// <summary>
/// Centralized evaluation for a strategy's <see cref="FederatedStrategy.Evaluate"/>: the
/// aggregator loads each round's global model into one network it keeps and evaluates it on its
/// own test images, reporting the loss and <c>accuracy</c>.
/// </summary>
public sealed class CentralizedEvaluator : IDisposable
{
    private readonly ClassifierNetwork _network;
    private readonly ImageDataset _test;
    private readonly int _batchSize;
    private readonly Lock _sync = new();

    /// <summary>Creates the evaluator.</summary>
    /// <param name="network">The network to load the global models into; owned and disposed by the evaluator.</param>
    /// <param name="test">The aggregator's evaluation images, e.g. Fashion-MNIST's 10,000 test images.</param>
    /// <param name="batchSize">Examples per forward pass. Default 1000.</param>
    public CentralizedEvaluator(ClassifierNetwork network, ImageDataset test, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _network = network;
        _test = test;
        _batchSize = batchSize;
    }

    /// <summary>The evaluation as a strategy's evaluate function.</summary>
    public EvaluateFunction Function => EvaluateAsync;

    /// <summary>Evaluates <paramref name="parameters"/> on the test images.</summary>
    /// <param name="round">The round (0 for the initial model).</param>
    /// <param name="parameters">The global model.</param>
    /// <param name="config">The round's evaluate configuration (unused).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The loss and <c>accuracy</c>.</returns>
    public Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, ConfigRecord config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        lock (_sync)
        {
            // A FedCurv model carries the collaborators' Fisher sums beside the weights; only the weights are evaluated.
            _network.LoadModelState(TorchClient.WithoutFedCurvTensors(parameters), $"the global model of round {round}");
            TorchEvaluateResult result = Trainer.Evaluate(_network, _test, _batchSize, cancellationToken: cancellationToken);
            return Task.FromResult<CentralizedEvaluation?>(new CentralizedEvaluation(result.Loss, MetricRecord.Of("accuracy", result.Accuracy)));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _network.Dispose();
}
