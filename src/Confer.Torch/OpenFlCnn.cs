using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Confer.Torch;

/// <summary>
/// OpenFL's tutorial CNN for 1×28×28 images (the PyTorch MNIST example): conv 1→10 (5×5),
/// conv 10→20 (5×5) with 2-D dropout, fully connected 320→50→10, log-softmax output. Tensor
/// names match PyTorch's <c>state_dict</c>: <c>conv1.weight</c>, <c>conv1.bias</c>, ...,
/// <c>fc2.bias</c>.
/// </summary>
public sealed class OpenFlCnn : ClassifierNetwork
{
    private readonly Conv2d _conv1;
    private readonly Conv2d _conv2;
    private readonly Dropout2d _conv2Drop;
    private readonly Linear _fc1;
    private readonly Linear _fc2;

    private OpenFlCnn(long seed)
        : base(nameof(OpenFlCnn))
    {
        _conv1 = nn.Conv2d(1, 10, 5);
        _conv2 = nn.Conv2d(10, 20, 5);
        _conv2Drop = nn.Dropout2d(0.5);
        _fc1 = nn.Linear(320, 50);
        _fc2 = nn.Linear(50, 10);
        register_module("conv1", _conv1);
        register_module("conv2", _conv2);
        register_module("conv2_drop", _conv2Drop);
        register_module("fc1", _fc1);
        register_module("fc2", _fc2);
        InitializeParameters(seed);
    }

    /// <inheritdoc/>
    public override ClassifierOutput Output => ClassifierOutput.LogProbabilities;

    /// <inheritdoc/>
    public override int InputChannels => 1;

    /// <inheritdoc/>
    public override int InputHeight => 28;

    /// <inheritdoc/>
    public override int InputWidth => 28;

    /// <inheritdoc/>
    public override int ClassCount => 10;

    /// <summary>Creates the network with weights drawn from <paramref name="seed"/>, in training mode.</summary>
    /// <param name="seed">The initialisation seed; equal seeds give bit-identical weights.</param>
    /// <returns>The network (dispose it to free native memory).</returns>
    public static OpenFlCnn Create(long seed = 0)
    {
        TorchRuntime.Configure();
        return new OpenFlCnn(seed);
    }

    /// <summary>The forward pass, as in OpenFL's tutorial.</summary>
    /// <param name="input">Images <c>[batch, 1, 28, 28]</c>, float32.</param>
    /// <returns>Log-probabilities <c>[batch, 10]</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        Tensor x = F.relu(F.max_pool2d(_conv1.forward(input), 2));
        x = F.relu(F.max_pool2d(_conv2Drop.forward(_conv2.forward(x)), 2));
        x = x.view(-1, 320);
        x = F.relu(_fc1.forward(x));
        x = F.dropout(x, 0.5, training);
        x = _fc2.forward(x);
        return F.log_softmax(x, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _conv1.Dispose();
            _conv2.Dispose();
            _conv2Drop.Dispose();
            _fc1.Dispose();
            _fc2.Dispose();
        }

        base.Dispose(disposing);
    }
}
