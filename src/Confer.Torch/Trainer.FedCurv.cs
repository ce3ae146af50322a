using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Data;
using Confer.Torch.Internal;
using static TorchSharp.torch;

namespace Confer.Torch;

// FedCurv's collaborator side (Shoham et al., 2019): the penalty that keeps the parameters where
// the other collaborators' Fisher information says they matter, and the u, v, w a collaborator
// sends after training. The aggregator sums u, v, w (Confer.Core.Aggregation.FedCurvTensors).
public static partial class Trainer
{
    /// <summary>
    /// FedCurv's penalty at <paramref name="model"/>'s current parameters:
    /// λ·Σ(θ²·(U − u) − 2θ·(V − v) + (W − w)) summed over every element of every trainable
    /// parameter θ, computed in float64. <see cref="TrainEpoch"/> adds its gradient to the loss's.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="importance">λ ≥ 0.</param>
    /// <param name="global">The global U, V, W: <c>p_u</c>, <c>p_v</c>, <c>p_w</c> for each trainable parameter <c>p</c>.</param>
    /// <param name="local">This collaborator's own last u, v, w, under the same names; <see langword="null"/> for zeros.</param>
    /// <returns>The penalty.</returns>
    /// <exception cref="IncompatibleModelStateException">A u, v or w tensor is missing or does not fit its parameter.</exception>
    public static double FedCurvPenalty(nn.Module<Tensor, Tensor> model, double importance, ModelState global, ModelState? local = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(global);
        CheckImportance(importance);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (FedCurvTerm term in FedCurvTerms(model, global, local))
        {
            Tensor theta = term.Parameter.to(ScalarType.Float64);
            Tensor value = theta.square().mul(term.U.to(ScalarType.Float64))
                .sub(theta.mul(term.V.to(ScalarType.Float64)).mul(2))
                .add(term.W.to(ScalarType.Float64));
            sum += value.sum().item<double>();
        }

        return importance * sum;
    }

    /// <summary>
    /// What a FedCurv collaborator sends after training: the diagonal of the empirical Fisher
    /// information F of <paramref name="model"/> on its training examples, as OpenFL computes it
    /// (the network in evaluation mode; per batch, the squared gradient of the batch's mean loss;
    /// averaged over the batches), and for each trainable parameter <c>p</c> with value θ the
    /// tensors <c>p_u</c> = F, <c>p_v</c> = F·θ and <c>p_w</c> = F·θ².
    /// </summary>
    /// <remarks>
    /// OpenFL's loop assigns each batch's squared gradient instead of adding it, so its F is the last
    /// batch's divided by the batch count; this adds them, as the paper and OpenFL's intent have it.
    /// The batches are <paramref name="options"/>' batch size over the examples in order, not
    /// shuffled, up to its <see cref="TrainOptions.MaxBatches"/>. The gradients are left zero.
    /// </remarks>
    /// <param name="model">The trained network; put in evaluation mode.</param>
    /// <param name="dataset">The training images.</param>
    /// <param name="options">The batch size, batch cap and output kind; <see langword="null"/> for the defaults.</param>
    /// <param name="indices">The examples; <see langword="null"/> for all of <paramref name="dataset"/>.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The u, v, w tensors, three per trainable parameter in the network's order; zeros when there are no examples.</returns>
    /// <exception cref="ArgumentException">The images do not fit the network, or an index is out of range.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ModelState ComputeFedCurvTensors(
        nn.Module<Tensor, Tensor> model,
        ImageDataset dataset,
        TrainOptions? options = null,
        IReadOnlyList<int>? indices = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new TrainOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        CheckInput(model, dataset);
        TorchRuntime.Configure();
        OneDnnTrainingMode mode = TorchRuntime.OneDnnTraining;
        ClassifierOutput output = options.Output ?? (model as ClassifierNetwork)?.Output ?? ClassifierOutput.Logits;
        int[] order = SelectExamples(dataset, indices);
        int batchCount = (order.Length + options.BatchSize - 1) / options.BatchSize;
        if (options.MaxBatches is int max)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(max, nameof(options));
            batchCount = Math.Min(batchCount, max);
        }

        model.eval();
        using var scope = NewDisposeScope();
        (string Name, TorchSharp.Modules.Parameter Parameter)[] parameters = [.. model.named_parameters().Where(p => p.parameter.requires_grad)];
        Tensor[] fisher = [.. parameters.Select(p => zeros_like(p.Parameter, requires_grad: false))];
        var builder = new BatchBuilder(dataset, options.BatchSize);
        for (int b = 0; b < batchCount; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int start = b * options.BatchSize;
            ReadOnlySpan<int> batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
            SquaredGradientInto(model, parameters, fisher, builder, batch, output, mode);
        }

        var tensors = new List<NamedTensor>(3 * parameters.Length);
        using (no_grad())
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                Tensor u = batchCount > 0 ? fisher[i].div(batchCount) : fisher[i];
                Tensor v = u.mul(parameters[i].Parameter);
                Tensor w = v.mul(parameters[i].Parameter);
                (string uName, string vName, string wName) = FedCurvTensors.NamesOf(parameters[i].Name);
                tensors.Add(TorchTensors.ToNamedTensor(uName, u));
                tensors.Add(TorchTensors.ToNamedTensor(vName, v));
                tensors.Add(TorchTensors.ToNamedTensor(wName, w));
                parameters[i].Parameter.grad?.zero_();
            }
        }

        return new ModelState(tensors);
    }

    private static void SquaredGradientInto(
        nn.Module<Tensor, Tensor> model,
        (string Name, TorchSharp.Modules.Parameter Parameter)[] parameters,
        Tensor[] fisher,
        BatchBuilder builder,
        ReadOnlySpan<int> batch,
        ClassifierOutput output,
        OneDnnTrainingMode mode)
    {
        using var scope = NewDisposeScope();
        (Tensor images, Tensor labels) = builder.Build(batch);
        foreach ((_, TorchSharp.Modules.Parameter parameter) in parameters)
        {
            parameter.grad?.zero_();
        }

        using (mode == OneDnnTrainingMode.Disabled ? OneDnnGate.Enter() : default)
        {
            Tensor loss = Loss(model.forward(images), labels, output, nn.Reduction.Mean);
            using (mode == OneDnnTrainingMode.ForwardOnly ? OneDnnGate.Enter() : default)
            {
                loss.backward();
            }
        }

        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Parameter.grad is { } grad)
            {
                fisher[i].add_(grad.square());
            }
        }
    }

    /// <summary>
    /// Adds the FedCurv penalty's gradient, λ·(2θ·(U − u) − 2·(V − v)), to each parameter's
    /// gradient: the penalty without building it into the autograd graph, as FedProx's term is.
    /// </summary>
    private static void AddFedCurvGradient(FedCurvTerm[] curvature, double importance)
    {
        using var noGrad = no_grad();
        foreach (FedCurvTerm term in curvature)
        {
            term.Parameter.grad?.add_(term.Parameter.mul(term.U).sub_(term.V), 2 * importance);
        }
    }

    /// <summary>Per trainable parameter: U − u, V − v and W − w as tensors of its type and shape, in the current dispose scope.</summary>
    private static FedCurvTerm[] FedCurvTerms(nn.Module<Tensor, Tensor> model, ModelState global, ModelState? local)
    {
        var terms = new List<FedCurvTerm>();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad)
            {
                continue;
            }

            (string u, string v, string w) = FedCurvTensors.NamesOf(name);
            terms.Add(new FedCurvTerm(
                parameter,
                Difference(parameter, u, global, local),
                Difference(parameter, v, global, local),
                Difference(parameter, w, global, local)));
        }

        return [.. terms];
    }

    private static Tensor Difference(TorchSharp.Modules.Parameter parameter, string name, ModelState global, ModelState? local)
    {
        Tensor sum = TorchTensors.ToTorch(FedCurvTensor(parameter, name, global, "global model"));
        return local is null ? sum : sum.sub_(TorchTensors.ToTorch(FedCurvTensor(parameter, name, local, "collaborator's own last")));
    }

    private static NamedTensor FedCurvTensor(TorchSharp.Modules.Parameter parameter, string name, ModelState state, string whose)
    {
        if (!state.TryGet(name, out NamedTensor? tensor))
        {
            throw new IncompatibleModelStateException(
                $"The FedCurv tensors do not match the network: the {whose} u, v, w have no tensor '{name}'. A FedCurv global model carries p_u, p_v, p_w for every trainable parameter p (confer plan initialize writes them for a plan whose strategy is fedcurv).");
        }

        if (tensor.ElementType.ToScalarType() != parameter.dtype || !tensor.Shape.SequenceEqual(parameter.shape))
        {
            throw new IncompatibleModelStateException(
                $"The FedCurv tensors do not match the network: the {whose} tensor '{name}' is {tensor.ElementType.DisplayName()}{tensor.ShapeText} where {parameter.dtype}{NamedTensor.FormatShape(parameter.shape)} was expected.");
        }

        return tensor;
    }

    private static void CheckImportance(double importance)
    {
        if (!(importance >= 0 && double.IsFinite(importance)))
        {
            throw new ArgumentOutOfRangeException(nameof(importance), importance, string.Create(CultureInfo.InvariantCulture, $"FedCurv's importance is {importance}; it must be finite and not negative."));
        }
    }

    /// <summary>One trainable parameter and the other collaborators' U − u, V − v, W − w for it.</summary>
    private readonly record struct FedCurvTerm(TorchSharp.Modules.Parameter Parameter, Tensor U, Tensor V, Tensor W);
}
