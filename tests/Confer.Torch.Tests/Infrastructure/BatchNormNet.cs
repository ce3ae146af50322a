using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Confer.Torch.Tests.Infrastructure;

/// <summary>A small network with BatchNorm, whose buffers include int64 num_batches_tracked.</summary>
internal sealed class BatchNormNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _norm;
    private readonly Linear _head;

    public BatchNormNet(long seed)
        : base(nameof(BatchNormNet))
    {
        torch.manual_seed(seed);
        _conv = nn.Conv2d(1, 4, 3);
        _norm = nn.BatchNorm2d(4);
        _head = nn.Linear(4 * 26 * 26, 10);
        register_module("conv", _conv);
        register_module("norm", _norm);
        register_module("head", _head);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = nn.functional.relu(_norm.forward(_conv.forward(input)));
        return _head.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
