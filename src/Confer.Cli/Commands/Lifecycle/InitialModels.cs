using System.Globalization;
using Confer.Core;
using Confer.Torch;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The random initial weights <c>confer plan initialize</c> writes, chosen by the plan's task runner:
/// the network the runner trains, so the aggregator's first global model has the right layout.
/// </summary>
internal static class InitialModels
{
    /// <summary>The default number of float32 values of the echo model.</summary>
    public const int DefaultEchoSize = 1024;

    public static bool Supports(string taskRunner) =>
        taskRunner is LifecyclePlanTypes.EchoRunner or LifecyclePlanTypes.TorchCnnRunner;

    public static ModelState Create(string taskRunner, int seed, int echoSize) => taskRunner switch
    {
        LifecyclePlanTypes.TorchCnnRunner => CreateTorchCnn(seed),
        LifecyclePlanTypes.EchoRunner => CreateEcho(seed, echoSize),
        _ => throw new LifecycleException(
            $"Confer has no initial model for task runner '{taskRunner}'. Write the initial state yourself (a ModelState saved with ModelStateSerializer.Save) "
            + "to the plan's aggregator.settings.init_state_path, or use a template whose runner is echo or torch_cnn."),
    };

    public static Dictionary<string, string> Metadata(string taskRunner, int seed) => new(StringComparer.Ordinal)
    {
        ["task_runner"] = taskRunner,
        ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["written_by"] = "confer plan initialize",
    };

    private static ModelState CreateTorchCnn(int seed)
    {
        using OpenFlCnn model = OpenFlCnn.Create(seed);
        return model.GetModelState();
    }

    /// <summary>Exactly <paramref name="size"/> float32 values in [-0.1, 0.1), as a weight and a bias, so benchmarks move a known number of bytes.</summary>
    private static ModelState CreateEcho(int seed, int size)
    {
        if (size < 2)
        {
            throw new LifecycleException($"--model-size must be at least 2 values, not {size}.", ExitCodes.Usage);
        }

        var random = new Random(seed);
        int biasCount = Math.Min(16, size / 2);
        float[] weight = new float[size - biasCount];
        float[] bias = new float[biasCount];
        for (int i = 0; i < weight.Length; i++)
        {
            weight[i] = (float)((random.NextDouble() * 0.2) - 0.1);
        }

        for (int i = 0; i < bias.Length; i++)
        {
            bias[i] = (float)((random.NextDouble() * 0.2) - 0.1);
        }

        return new ModelState(
        [
            NamedTensor.Create<float>("dense.weight", [weight.Length], weight),
            NamedTensor.Create<float>("dense.bias", [biasCount], bias),
        ]);
    }
}
