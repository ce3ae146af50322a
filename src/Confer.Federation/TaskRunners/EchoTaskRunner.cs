using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Confer.Core;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// The <c>echo</c> task runner: every task returns its input. <c>train_task</c> returns the global
/// model unchanged with one example; <c>validate_task</c> reports each of the task's metrics as 0.
/// It measures the federation itself (transport, validation, storage, aggregation) in tests and
/// benchmarks, without any learning in the way.
/// </summary>
/// <remarks>
/// With <c>train_step</c> &gt; 0 it becomes a deterministic stand-in for training, for tests that
/// compare runs bit for bit: <c>train_task</c> returns the global model plus <c>train_step</c>
/// times pseudo-random values in [−1, 1) seeded by the collaborator's name and the round, with an
/// example count of 1 to 8 chosen by the name; <c>validate_task</c> reports each metric as a value
/// in [0, 1) derived from the SHA-256 of the model, the collaborator and the round. The same
/// inputs always give the same bytes, whatever the order or the number of times a task runs.
/// </remarks>
public sealed class EchoTaskRunner : ITaskRunner
{
    private readonly double _trainStep;
    private readonly string _collaborator;

    /// <summary>Creates the plain echo runner: every task returns its input.</summary>
    public EchoTaskRunner()
        : this(0, string.Empty)
    {
    }

    private EchoTaskRunner(double trainStep, string collaborator)
    {
        _trainStep = trainStep;
        _collaborator = collaborator;
    }

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
            SettingDefinition.Number("train_step", 0, 0, 1, description: "0: echo; > 0: train_task adds this times deterministic noise seeded by collaborator and round (for bit-for-bit tests)"),
        ]),
        TaskFunctions = new Dictionary<string, SettingsSchema>(StringComparer.Ordinal)
        {
            ["train_task"] = new SettingsSchema([SettingDefinition.Integer("epochs", 1, 1, 1000, "ignored")]),
            ["validate_task"] = SettingsSchema.Empty,
        },
        Create = context => new EchoTaskRunner(
            context.Plan.TaskRunner.Settings.TryGetValue("train_step", out var step) ? step.AsNumber() : 0,
            context.CollaboratorName),
        CreateInitialModel = CreateModel,
        Description = "Returns its input: for tests and benchmarks of the federation itself.",
    };

    /// <inheritdoc />
    public ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (_trainStep > 0)
        {
            return ValueTask.FromResult(RunDeterministicStep(request));
        }

        var metrics = request.Task.Metrics.ToDictionary(m => m, _ => 0.0, StringComparer.Ordinal);
        var model = request.Task.Function == "train_task" ? request.GlobalModel : null;
        return ValueTask.FromResult(new TaskResult(model, metrics, 1));
    }

    private TaskResult RunDeterministicStep(TaskRequest request)
    {
        var name = SHA256.HashData(Encoding.UTF8.GetBytes(_collaborator));
        var examples = 1 + (name[0] % 8);
        if (request.Task.Function == "train_task")
        {
            // SplitMix64, not System.Random: the same values on every node and .NET version.
            var state = BinaryPrimitives.ReadUInt64LittleEndian(name) ^ (ulong)request.Round;
            var tensors = new List<NamedTensor>(request.GlobalModel.Count);
            foreach (var tensor in request.GlobalModel)
            {
                var trained = tensor.Clone();
                if (trained.ElementType == ElementType.Float32)
                {
                    var values = trained.AsSpan<float>();
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] += (float)(_trainStep * ((NextUnit(ref state) * 2) - 1));
                    }
                }

                tensors.Add(trained);
            }

            return new TaskResult(new ModelState(tensors), request.Task.Metrics.ToDictionary(m => m, m => Score(request, m), StringComparer.Ordinal), examples);
        }

        return new TaskResult(null, request.Task.Metrics.ToDictionary(m => m, m => Score(request, m), StringComparer.Ordinal), examples);
    }

    private static double NextUnit(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    private double Score(TaskRequest request, string metric)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(ModelStateSerializer.Serialize(request.GlobalModel));
        hash.AppendData(Encoding.UTF8.GetBytes($"{_collaborator}/{request.Round}/{request.Task.Name}/{metric}"));
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash.GetHashAndReset()) >> 11) / (double)(1UL << 53);
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
