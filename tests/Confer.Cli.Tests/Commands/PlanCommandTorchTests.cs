using Confer.Cli.Tests.Infrastructure;
using Confer.Core;
using Confer.Testing;
using Confer.Torch;

namespace Confer.Cli.Tests.Commands;

public sealed class PlanCommandTorchTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Initialize_TorchTemplate_WritesTheOpenFlCnnsSeededWeights()
    {
        string directory = await Workspaces.CreateAsync(_temp, template: "torch_cnn_fashion_mnist");

        await CliRunner.RunOkAsync("plan", "initialize", "-w", directory, "-a", "localhost", "--seed", "5");

        ModelState written = ModelStateSerializer.Load(Path.Combine(directory, "save", "torch_cnn_fashion_mnist_init.pbuf"));
        using OpenFlCnn model = OpenFlCnn.Create(5);
        ModelState expected = model.GetModelState();
        Assert.Null(written.FindFirstMismatch(expected));
        Assert.Equal(expected.ComputeHash(), written.ComputeHash());
    }
}
