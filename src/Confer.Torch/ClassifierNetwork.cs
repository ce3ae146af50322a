using static TorchSharp.torch;

namespace Confer.Torch;

/// <summary>
/// An image classifier: input <c>[batch, channels, height, width]</c> float32 in [0, 1], output
/// one row of <see cref="ClassCount"/> scores per image. Convolution and linear layers are
/// initialised from a seed with PyTorch's default rule, drawing from a private generator, so the
/// same seed gives the same weights whatever else runs in the process.
/// </summary>
public abstract class ClassifierNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the network; derived classes register their layers, then call <see cref="InitializeParameters"/>.</summary>
    /// <param name="name">The module name.</param>
    protected ClassifierNetwork(string name)
        : base(name)
    {
    }

    /// <summary>What <c>forward</c> returns, which fixes the training loss.</summary>
    public abstract ClassifierOutput Output { get; }

    /// <summary>Channels of an input image.</summary>
    public abstract int InputChannels { get; }

    /// <summary>Rows of an input image.</summary>
    public abstract int InputHeight { get; }

    /// <summary>Columns of an input image.</summary>
    public abstract int InputWidth { get; }

    /// <summary>The number of classes (columns of the output).</summary>
    public abstract int ClassCount { get; }

    /// <summary>
    /// Re-initialises every weight and bias in registration order the way PyTorch's
    /// <c>Conv2d</c>/<c>Linear.reset_parameters</c> does (Kaiming-uniform with a = √5, bias
    /// uniform in ±1/√fan_in), drawing from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    /// <param name="seed">The seed.</param>
    protected void InitializeParameters(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? pendingWeight = null;
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in named_parameters())
        {
            long[] shape = parameter.shape;
            if (name.EndsWith(".weight", StringComparison.Ordinal) && shape.Length >= 2)
            {
                long fanIn = FanIn(shape);
                double a = Math.Sqrt(5.0);
                double gain = Math.Sqrt(2.0 / (1 + (a * a)));
                double bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
                parameter.uniform_(-bound, bound, generator);
                pendingWeight = parameter;
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal) && pendingWeight is not null)
            {
                long fanIn = FanIn(pendingWeight.shape);
                double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
                parameter.uniform_(-bound, bound, generator);
                pendingWeight = null;
            }
        }
    }

    private static long FanIn(long[] weightShape)
    {
        long fanIn = weightShape[1];
        for (int i = 2; i < weightShape.Length; i++)
        {
            fanIn *= weightShape[i];
        }

        return fanIn;
    }
}
