using System.Globalization;
using Confer.Core;
using Confer.Plan;
using Confer.Torch;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// The random initial weights <c>confer plan initialize</c> writes, chosen by the plan's task runner:
/// the network the runner trains, so the aggregator's first global model has the right layout.
/// </summary>
internal static class InitialModels
{
    /// <summary>The default number of float32 values of the echo model (<c>task_runner.settings.model_size</c>).</summary>
    public const int DefaultEchoSize = 100_000;

    public static ModelState Create(PlanComponent taskRunner, int seed) => taskRunner.Name switch
    {
        LifecyclePlanTypes.TorchCnnRunner => CreateTorchCnn(seed),
        LifecyclePlanTypes.EchoRunner => CreateEcho(
            seed,
            taskRunner.Settings.TryGetValue("model_size", out PlanValue? size) ? size.AsInteger() : DefaultEchoSize,
            taskRunner.Settings.TryGetValue("tensor_count", out PlanValue? count) ? count.AsInteger() : 1),
        _ => throw new LifecycleException(
            $"Confer has no initial model for task runner '{taskRunner.Name}'. Write the initial state yourself (a ModelState saved with ModelStateSerializer.Save) "
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

    /// <summary>Exactly <paramref name="size"/> float32 values in [-1, 1), split into <paramref name="tensorCount"/> tensors <c>w0</c>, <c>w1</c>, ..., so benchmarks move a known number of bytes.</summary>
    private static ModelState CreateEcho(int seed, long size, long tensorCount)
    {
        int count = (int)Math.Min(tensorCount, size);
        var random = new Random(seed);
        var tensors = new List<NamedTensor>(count);
        for (int i = 0; i < count; i++)
        {
            int length = (int)((size / count) + (i < size % count ? 1 : 0));
            float[] values = new float[length];
            for (int j = 0; j < values.Length; j++)
            {
                values[j] = (float)((random.NextDouble() * 2) - 1);
            }

            tensors.Add(NamedTensor.Create<float>($"w{i}", [length], values));
        }

        return new ModelState(tensors);
    }
}
