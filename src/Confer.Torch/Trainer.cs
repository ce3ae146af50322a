using System.Diagnostics;
using Confer.Core;
using Confer.Data;
using Confer.Torch.Internal;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Confer.Torch;

/// <summary>
/// Train and evaluate loops for image classifiers over an <see cref="ImageDataset"/>. Each step
/// runs inside its own dispose scope, so native memory stays flat over an epoch. Both loops
/// call <see cref="TorchRuntime.Configure"/> first, and training keeps oneDNN out of the
/// backward pass as <see cref="TorchRuntime.OneDnnTraining"/> says.
/// </summary>
public static partial class Trainer
{
    /// <summary>Trains <paramref name="model"/> for one epoch over <paramref name="dataset"/> (or the examples at <paramref name="indices"/>).</summary>
    /// <param name="model">The network; put in training mode.</param>
    /// <param name="optimizer">The optimizer over <paramref name="model"/>'s parameters.</param>
    /// <param name="dataset">The training images; pixels are scaled to [0, 1].</param>
    /// <param name="epoch">The epoch number (1, 2, ...): with <see cref="TrainOptions.Seed"/>, it fixes the shuffle order.</param>
    /// <param name="options">Batch size, shuffling, FedProx, FedCurv; <see langword="null"/> for the defaults.</param>
    /// <param name="indices">The examples to train on; <see langword="null"/> for all of <paramref name="dataset"/>.</param>
    /// <param name="progress">Receives a report after every batch (for a progress bar).</param>
    /// <param name="cancellationToken">Stops the epoch between batches.</param>
    /// <returns>Mean loss, training accuracy, counts and time.</returns>
    /// <exception cref="ArgumentException">The images do not fit the network, or an index is out of range.</exception>
    /// <exception cref="IncompatibleModelStateException">The FedProx reference or the FedCurv tensors do not fit the network.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static TrainResult TrainEpoch(
        nn.Module<Tensor, Tensor> model,
        SgdOptimizer optimizer,
        ImageDataset dataset,
        int epoch,
        TrainOptions? options = null,
        IReadOnlyList<int>? indices = null,
        IProgress<TrainProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new TrainOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ProximalMu, nameof(options));
        CheckImportance(options.FedCurvImportance);
        CheckInput(model, dataset);
        TorchRuntime.Configure();
        OneDnnTrainingMode mode = TorchRuntime.OneDnnTraining;
        ClassifierOutput output = options.Output ?? (model as ClassifierNetwork)?.Output ?? ClassifierOutput.Logits;

        int[] order = SelectExamples(dataset, indices);
        if (options.Shuffle)
        {
            new Random(unchecked((options.Seed * 1_000_003) + epoch)).Shuffle(order);
        }

        int batchCount = (order.Length + options.BatchSize - 1) / options.BatchSize;
        if (options.MaxBatches is int max)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(max, nameof(options));
            batchCount = Math.Min(batchCount, max);
        }

        var stopwatch = Stopwatch.StartNew();
        model.train();
        using var epochScope = NewDisposeScope();
        (TorchSharp.Modules.Parameter Parameter, Tensor Reference)[] proximal =
            options.ProximalMu > 0 ? ProximalReferences(model, options.ProximalReference) : [];
        FedCurvTerm[] curvature = options.FedCurvImportance > 0
            ? FedCurvTerms(model, options.FedCurvGlobal ?? throw new ArgumentException("TrainOptions.FedCurvImportance is set but FedCurvGlobal, the global u, v, w, is not.", nameof(options)), options.FedCurvLocal)
            : [];
        var builder = new BatchBuilder(dataset, options.BatchSize);
        double lossSum = 0;
        long correct = 0;
        long examples = 0;
        int nonFinite = 0;
        for (int b = 0; b < batchCount; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b * options.BatchSize;
            ReadOnlySpan<int> batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
            (float loss, long hits) = Step(model, optimizer, builder, batch, output, mode, proximal, options.ProximalMu, curvature, options.FedCurvImportance);
            if (float.IsFinite(loss))
            {
                lossSum += (double)loss * batch.Length;
            }
            else
            {
                nonFinite++;
                lossSum = double.NaN;
            }

            correct += hits;
            examples += batch.Length;
            progress?.Report(new TrainProgress(epoch, b + 1, batchCount, examples, lossSum / examples));
        }

        return new TrainResult(
            examples > 0 ? lossSum / examples : 0,
            examples > 0 ? (double)correct / examples : 0,
            examples,
            batchCount,
            nonFinite,
            stopwatch.Elapsed);
    }

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="dataset"/> (or the examples at <paramref name="indices"/>) without changing it.</summary>
    /// <param name="model">The network; put in evaluation mode.</param>
    /// <param name="dataset">The images; pixels are scaled to [0, 1].</param>
    /// <param name="batchSize">Examples per forward pass. Default 1000.</param>
    /// <param name="indices">The examples to evaluate; <see langword="null"/> for all.</param>
    /// <param name="output">The forward pass's output kind; <see langword="null"/> takes it from a <see cref="ClassifierNetwork"/>, otherwise logits.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>Mean loss, accuracy and example count.</returns>
    /// <exception cref="ArgumentException">The images do not fit the network, or an index is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static EvaluateResult Evaluate(
        nn.Module<Tensor, Tensor> model,
        ImageDataset dataset,
        int batchSize = 1000,
        IReadOnlyList<int>? indices = null,
        ClassifierOutput? output = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        CheckInput(model, dataset);
        TorchRuntime.Configure();
        ClassifierOutput kind = output ?? (model as ClassifierNetwork)?.Output ?? ClassifierOutput.Logits;
        int[] order = SelectExamples(dataset, indices);
        model.eval();
        using var noGrad = no_grad();
        var builder = new BatchBuilder(dataset, batchSize);
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            ReadOnlySpan<int> batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
            (Tensor images, Tensor labels) = builder.Build(batch);
            Tensor scores = model.forward(images);
            lossSum += Loss(scores, labels, kind, reduction: nn.Reduction.Sum).item<float>();
            correct += scores.argmax(1).eq(labels).sum().item<long>();
        }

        return order.Length == 0
            ? new EvaluateResult(0, 0, 0)
            : new EvaluateResult(lossSum / order.Length, (double)correct / order.Length, order.Length);
    }

    private static (float Loss, long Hits) Step(
        nn.Module<Tensor, Tensor> model,
        SgdOptimizer optimizer,
        BatchBuilder builder,
        ReadOnlySpan<int> batch,
        ClassifierOutput output,
        OneDnnTrainingMode mode,
        (TorchSharp.Modules.Parameter Parameter, Tensor Reference)[] proximal,
        double mu,
        FedCurvTerm[] curvature,
        double importance)
    {
        using var scope = NewDisposeScope();
        (Tensor images, Tensor labels) = builder.Build(batch);
        optimizer.ZeroGrad();
        OneDnnGate.Section wholeStep = mode == OneDnnTrainingMode.Disabled ? OneDnnGate.Enter() : default;
        try
        {
            Tensor scores = model.forward(images);
            Tensor loss = Loss(scores, labels, output, nn.Reduction.Mean);
            using (mode == OneDnnTrainingMode.ForwardOnly ? OneDnnGate.Enter() : default)
            {
                loss.backward();
            }

            if (proximal.Length > 0)
            {
                // The gradient of mu/2·‖w − w_g‖² is mu·(w − w_g): adding it to the data
                // gradient is FedProx without building the term into the autograd graph.
                using var noGrad = no_grad();
                foreach ((TorchSharp.Modules.Parameter parameter, Tensor reference) in proximal)
                {
                    parameter.grad?.add_(parameter.sub(reference), mu);
                }
            }

            if (curvature.Length > 0)
            {
                AddFedCurvGradient(curvature, importance);
            }

            optimizer.Step();
            long hits;
            using (no_grad())
            {
                hits = scores.argmax(1).eq(labels).sum().item<long>();
            }

            return (loss.item<float>(), hits);
        }
        finally
        {
            wholeStep.Dispose();
        }
    }

    private static Tensor Loss(Tensor scores, Tensor labels, ClassifierOutput output, nn.Reduction reduction) => output switch
    {
        ClassifierOutput.LogProbabilities => F.nll_loss(scores, labels, reduction: reduction),
        _ => F.cross_entropy(scores, labels, reduction: reduction),
    };

    private static (TorchSharp.Modules.Parameter, Tensor)[] ProximalReferences(nn.Module<Tensor, Tensor> model, ModelState? reference)
    {
        var result = new List<(TorchSharp.Modules.Parameter, Tensor)>();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad)
            {
                continue;
            }

            if (reference is null)
            {
                result.Add((parameter, parameter.detach().clone()));
            }
            else if (reference.TryGet(name, out NamedTensor? tensor))
            {
                if (tensor.ElementType.ToScalarType() != parameter.dtype || !tensor.Shape.SequenceEqual(parameter.shape))
                {
                    throw new IncompatibleModelStateException(
                        $"The FedProx reference does not match: tensor '{name}' is {tensor.ElementType.DisplayName()}{tensor.ShapeText} where {parameter.dtype}{NamedTensor.FormatShape(parameter.shape)} was expected.");
                }

                result.Add((parameter, TorchTensors.ToTorch(tensor)));
            }
            else
            {
                throw new IncompatibleModelStateException($"The FedProx reference does not match: tensor '{name}' is missing.");
            }
        }

        return [.. result];
    }

    private static int[] SelectExamples(ImageDataset dataset, IReadOnlyList<int>? indices)
    {
        if (indices is null)
        {
            return Enumerable.Range(0, dataset.Count).ToArray();
        }

        int[] order = new int[indices.Count];
        for (int i = 0; i < order.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)dataset.Count)
            {
                throw new ArgumentException($"Index {index} at position {i} is outside data set '{dataset.Name}' of {dataset.Count} images.", nameof(indices));
            }

            order[i] = index;
        }

        return order;
    }

    private static void CheckInput(nn.Module<Tensor, Tensor> model, ImageDataset dataset)
    {
        if (model is ClassifierNetwork network &&
            (network.InputChannels != dataset.Channels || network.InputHeight != dataset.Height || network.InputWidth != dataset.Width))
        {
            throw new ArgumentException(
                $"{network.GetType().Name} takes {network.InputChannels}×{network.InputHeight}×{network.InputWidth} images, but data set '{dataset.Name}' holds {dataset.Channels}×{dataset.Height}×{dataset.Width}.",
                nameof(dataset));
        }
    }
}
