using Confer.Core;
using static TorchSharp.torch;

namespace Confer.Torch;

/// <summary>
/// Stochastic gradient descent with momentum and weight decay, with PyTorch's update rule
/// (<c>torch.optim.SGD</c>, dampening 0): <c>b ← m·b + g</c>, <c>w ← w − lr·b</c>. Its state,
/// one momentum buffer per trainable parameter, is a <see cref="ModelState"/> named after the
/// parameters, so it can be kept, reset or aggregated and sent like a model
/// (<see cref="OptimizerTreatment"/>).
/// </summary>
public sealed class SgdOptimizer : IDisposable
{
    private readonly (string Name, TorchSharp.Modules.Parameter Parameter)[] _parameters;
    private readonly Tensor[] _momentumBuffers;
    private bool _disposed;

    /// <summary>Creates the optimizer over every trainable parameter of <paramref name="module"/>.</summary>
    /// <param name="module">The module to train.</param>
    /// <param name="learningRate">The step size (lr), above 0.</param>
    /// <param name="momentum">The momentum factor in [0, 1); 0 turns momentum off. Default 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, at least 0. Default 0.</param>
    public SgdOptimizer(nn.Module module, double learningRate, double momentum = 0, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(momentum, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        _parameters = module.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        _momentumBuffers = new Tensor[_parameters.Length];
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            // Zero buffers behave exactly like PyTorch's "no buffer yet" on the first step
            // (0·m + g = g), so the state always has the same layout.
            _momentumBuffers[i] = zeros_like(_parameters[i].Parameter).DetachFromDisposeScope();
        }
    }

    /// <summary>The step size.</summary>
    public double LearningRate { get; set; }

    /// <summary>The momentum factor (0 = plain SGD).</summary>
    public double Momentum { get; }

    /// <summary>The L2 penalty added to each gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>The names of the trained parameters, in order.</summary>
    public IEnumerable<string> ParameterNames => _parameters.Select(p => p.Name);

    /// <summary>Clears the gradients of the trained parameters.</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach ((_, TorchSharp.Modules.Parameter parameter) in _parameters)
        {
            parameter.grad?.zero_();
        }
    }

    /// <summary>Applies one update from the current gradients (parameters without a gradient are skipped).</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            TorchSharp.Modules.Parameter parameter = _parameters[i].Parameter;
            Tensor? gradient = parameter.grad;
            if (gradient is null)
            {
                continue;
            }

            if (WeightDecay != 0)
            {
                gradient = gradient.add(parameter, WeightDecay);
            }

            if (Momentum != 0)
            {
                gradient = _momentumBuffers[i].mul_(Momentum).add_(gradient);
            }

            parameter.add_(gradient, -LearningRate);
        }
    }

    /// <summary>A copy of the momentum buffers, named after their parameters (all zero before the first step or without momentum).</summary>
    /// <returns>The optimizer state.</returns>
    public ModelState GetState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new ModelState(_parameters.Select((p, i) => TorchTensors.ToNamedTensor(p.Name, _momentumBuffers[i])));
    }

    /// <summary>Overwrites the momentum buffers with copies from <paramref name="state"/>.</summary>
    /// <param name="state">A state from <see cref="GetState"/> of an optimizer over the same network.</param>
    /// <exception cref="IncompatibleModelStateException">The state does not fit; the message names the first mismatching tensor.</exception>
    public void SetState(ModelState state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(state);
        var layout = new ModelState(_parameters.Select((p, i) =>
            NamedTensor.Zeros(p.Name, _momentumBuffers[i].dtype.ToElementType(p.Name), _momentumBuffers[i].shape)));
        layout.EnsureCompatible(state, "the optimizer state");
        for (int i = 0; i < _parameters.Length; i++)
        {
            TorchTensors.CopyInto(state[i], _momentumBuffers[i]);
        }
    }

    /// <summary>Sets every momentum buffer to zero, as a new optimizer would have it.</summary>
    public void ResetState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = no_grad();
        foreach (Tensor buffer in _momentumBuffers)
        {
            buffer.zero_();
        }
    }

    /// <summary>Prepares the state for a new round according to <paramref name="treatment"/>.</summary>
    /// <param name="treatment">The policy.</param>
    /// <param name="globalState">The aggregated optimizer state; required for <see cref="OptimizerTreatment.ContinueGlobal"/>.</param>
    /// <exception cref="ArgumentException"><see cref="OptimizerTreatment.ContinueGlobal"/> without a global state.</exception>
    public void Apply(OptimizerTreatment treatment, ModelState? globalState = null)
    {
        switch (treatment)
        {
            case OptimizerTreatment.Reset:
                ResetState();
                break;
            case OptimizerTreatment.ContinueLocal:
                ObjectDisposedException.ThrowIf(_disposed, this);
                break;
            case OptimizerTreatment.ContinueGlobal:
                SetState(globalState ?? throw new ArgumentException("CONTINUE_GLOBAL needs the aggregated optimizer state.", nameof(globalState)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(treatment), treatment, "Unknown optimizer treatment.");
        }
    }

    /// <summary>Frees the momentum buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (Tensor buffer in _momentumBuffers)
        {
            buffer.Dispose();
        }
    }
}
