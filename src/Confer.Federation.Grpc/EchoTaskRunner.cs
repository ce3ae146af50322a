using Confer.Core;
using Confer.Plan;

namespace Confer.Federation.Grpc;

/// <summary>
/// The <c>echo</c> task runner: every task returns its input. <c>train_task</c> returns the global
/// model unchanged with one example; <c>validate_task</c> reports each of the task's metrics as 0.
/// It measures the federation itself (transport, validation, storage, aggregation) in tests and
/// benchmarks, without any learning in the way.
/// </summary>
public sealed class EchoTaskRunner : ITaskRunner
{
    /// <summary>The plan name: <c>echo</c>.</summary>
    public const string Name = "echo";

    /// <summary>
    /// Its registration. Settings: <c>model_size</c> (float32 values of the initial model, default
    /// 100000) and <c>tensor_count</c> (how many tensors they are split into, default 1).
    /// </summary>
    public static TaskRunnerRegistration Registration { get; } = new()
    {
        Name = Name,
        Settings = new SettingsSchema(
        [
            SettingDefinition.Integer("model_size", 100_000, 1, int.MaxValue / 4, "float32 values of the initial model"),
            SettingDefinition.Integer("tensor_count", 1, 1, 1024, "tensors the values are split into"),
        ]),
        TaskFunctions = new Dictionary<string, SettingsSchema>(StringComparer.Ordinal)
        {
            ["train_task"] = new SettingsSchema([SettingDefinition.Integer("epochs", 1, 1, 1000, "ignored")]),
            ["validate_task"] = SettingsSchema.Empty,
        },
        Create = _ => new EchoTaskRunner(),
        CreateInitialModel = CreateModel,
        Description = "Returns its input: for tests and benchmarks of the federation itself.",
    };

    /// <inheritdoc />
    public ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var metrics = request.Task.Metrics.ToDictionary(m => m, _ => 0.0, StringComparer.Ordinal);
        var model = request.Task.Function == "train_task" ? request.GlobalModel : null;
        return ValueTask.FromResult(new TaskResult(model, metrics, 1));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static ModelState CreateModel(PlanSettings settings, int seed)
    {
        var size = settings.TryGetValue("model_size", out var s) ? s.AsInteger() : 100_000;
        var count = (int)Math.Min(settings.TryGetValue("tensor_count", out var c) ? c.AsInteger() : 1, size);
        var random = new Random(seed);
        var tensors = new List<NamedTensor>(count);
        for (var i = 0; i < count; i++)
        {
            var length = (size / count) + (i < size % count ? 1 : 0);
            var values = new float[length];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = (float)((random.NextDouble() * 2) - 1);
            }

            tensors.Add(NamedTensor.Create<float>($"w{i}", [length], values));
        }

        return new ModelState(tensors);
    }
}
