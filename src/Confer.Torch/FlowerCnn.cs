using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Confer.Torch;

/// <summary>
/// Flower's tutorial CNN for 3×32×32 images (CIFAR-10): conv 3→6 (5×5), 2×2 max-pool,
/// conv 6→16 (5×5), fully connected 400→120→84→10, raw logits out (trained with cross-entropy).
/// Tensor names match PyTorch's <c>state_dict</c>: <c>conv1.weight</c>, ..., <c>fc3.bias</c>.
/// </summary>
public sealed class FlowerCnn : ClassifierNetwork
{
    private readonly Conv2d _conv1;
    private readonly MaxPool2d _pool;
    private readonly Conv2d _conv2;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    private FlowerCnn(long seed)
        : base(nameof(FlowerCnn))
    {
        _conv1 = nn.Conv2d(3, 6, 5);
        _pool = nn.MaxPool2d(2, 2);
        _conv2 = nn.Conv2d(6, 16, 5);
        _fc1 = nn.Linear(16 * 5 * 5, 120);
        _fc2 = nn.Linear(120, 84);
        _fc3 = nn.Linear(84, 10);
        register_module("conv1", _conv1);
        register_module("pool", _pool);
        register_module("conv2", _conv2);
        register_module("fc1", _fc1);
        register_module("fc2", _fc2);
        register_module("fc3", _fc3);
        InitializeParameters(seed);
    }

    /// <inheritdoc/>
    public override ClassifierOutput Output => ClassifierOutput.Logits;

    /// <inheritdoc/>
    public override int InputChannels => 3;

    /// <inheritdoc/>
    public override int InputHeight => 32;

    /// <inheritdoc/>
    public override int InputWidth => 32;

    /// <inheritdoc/>
    public override int ClassCount => 10;

    /// <summary>Creates the network with weights drawn from <paramref name="seed"/>, in training mode.</summary>
    /// <param name="seed">The initialisation seed; equal seeds give bit-identical weights.</param>
    /// <returns>The network (dispose it to free native memory).</returns>
    public static FlowerCnn Create(long seed = 0)
    {
        TorchRuntime.Configure();
        return new FlowerCnn(seed);
    }

    /// <summary>The forward pass, as in Flower's tutorial.</summary>
    /// <param name="input">Images <c>[batch, 3, 32, 32]</c>, float32.</param>
    /// <returns>Logits <c>[batch, 10]</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        Tensor x = _pool.forward(F.relu(_conv1.forward(input)));
        x = _pool.forward(F.relu(_conv2.forward(x)));
        x = x.view(-1, 16 * 5 * 5);
        x = F.relu(_fc1.forward(x));
        x = F.relu(_fc2.forward(x));
        return _fc3.forward(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _conv1.Dispose();
            _pool.Dispose();
            _conv2.Dispose();
            _fc1.Dispose();
            _fc2.Dispose();
            _fc3.Dispose();
        }

        base.Dispose(disposing);
    }
}
