using Confer.Torch;
using static TorchSharp.torch;

namespace Confer.Federation.Torch;

/// <summary>
/// A classifier whose inputs are standardised first, (x − mean) / std, as torchvision's
/// <c>Normalize</c> does in the PyTorch tutorials (OpenFL's Fashion-MNIST tutorial uses MNIST's
/// 0.1307 and 0.3081). The wrapper adds no tensors: its model state has exactly the inner
/// network's names, order and shapes, so it exchanges states with PyTorch and with
/// un-normalised peers unchanged.
/// </summary>
public sealed class NormalizedClassifier : ClassifierNetwork
{
    /// <summary>The mean of OpenFL's tutorial (MNIST's pixel mean after scaling to [0, 1]).</summary>
    public const double TutorialMean = 0.1307;

    /// <summary>The standard deviation of OpenFL's tutorial (MNIST's).</summary>
    public const double TutorialStd = 0.3081;

    private readonly ClassifierNetwork _inner;

    /// <summary>Wraps <paramref name="inner"/>; the wrapper owns it and disposes it.</summary>
    /// <param name="inner">The network.</param>
    /// <param name="mean">Subtracted from every input value (after scaling to [0, 1]).</param>
    /// <param name="std">Divides every input value after the mean is subtracted; finite and greater than zero.</param>
    public NormalizedClassifier(ClassifierNetwork inner, double mean, double std)
        : base((inner ?? throw new ArgumentNullException(nameof(inner))).GetName())
    {
        if (!double.IsFinite(mean) || !double.IsFinite(std) || std <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "Normalisation needs a finite mean and a finite standard deviation above zero.");
        }

        _inner = inner;
        Mean = mean;
        Std = std;

        // The inner layers are registered under their own names, so the state_dict keeps PyTorch's names.
        foreach ((string name, nn.Module child) in inner.named_children())
        {
            register_module(name, child);
        }
    }

    /// <summary>The mean subtracted from inputs.</summary>
    public double Mean { get; }

    /// <summary>The standard deviation inputs are divided by.</summary>
    public double Std { get; }

    /// <inheritdoc/>
    public override ClassifierOutput Output => _inner.Output;

    /// <inheritdoc/>
    public override int InputChannels => _inner.InputChannels;

    /// <inheritdoc/>
    public override int InputHeight => _inner.InputHeight;

    /// <inheritdoc/>
    public override int InputWidth => _inner.InputWidth;

    /// <inheritdoc/>
    public override int ClassCount => _inner.ClassCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        return _inner.forward(input.sub(Mean).div(Std)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override void train(bool on = true)
    {
        // The inner network reads its own training flag (dropout), which registering its children does not reach.
        _inner.train(on);
        base.train(on);
    }

    /// <inheritdoc/>
    public override void eval() => train(false);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
