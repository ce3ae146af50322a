using System.Globalization;
using System.IO.Compression;
using System.Text;
using Confer.Core;
using Xunit.Abstractions;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// Workspaces whose code is their own: each code template goes through the whole lifecycle (the
/// workspace is created, only the collaborators' data paths are chosen, the aggregator and two
/// collaborators are certified, each node builds code/ itself, and a real federation runs over
/// mutual TLS in separate processes); a workspace whose task runner and strategy exist only in
/// its code/ shows both in the final model.
/// </summary>
public sealed class WorkspaceCodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TabularTemplate_LearnsAGeneratedCsv_WellAboveTheMajorityBaseline()
    {
        string data = Directory.CreateTempSubdirectory("confer-tabular-").FullName;
        try
        {
            var heldOut = new List<int>();
            foreach (var (name, seed) in new[] { ("alpha", 11), ("beta", 12) })
            {
                heldOut.AddRange(WriteCsv(Path.Combine(data, $"{name}.csv"), rows: 500, seed));
            }

            double majority = Math.Max(heldOut.Count(l => l == 1), heldOut.Count(l => l == 0)) / (double)heldOut.Count;
            using LifecycleFederation federation = await LifecycleFederation.CertifyAsync(
                "tabular_csv", new LifecycleSetup { DataPath = name => Path.Combine(data, $"{name}.csv") }, "alpha", "beta");
            string log = await RunAsync(federation);
            double accuracy = AggregatorLogs.Metric(log, 5, "aggregated_model_validation", "acc");
            output.WriteLine($"held-out accuracy after 5 rounds {accuracy:F4}, majority baseline {majority:F4}");
            Assert.True(accuracy >= majority + 0.10, $"accuracy {accuracy:F4} is not 10 points above the majority baseline {majority:F4}\n{log}");
            AssertTrainedModel(federation, "tabular");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// beta changes its copy of the code after the import. Its own frozen plan stops it first, naming
    /// the file; once it re-freezes to force its way in, the aggregator refuses it with the reason
    /// code for other code. Either way beta exits 1 and nothing of it is stored.
    /// </summary>
    [Fact]
    public async Task ACollaboratorWithOtherCode_IsStoppedByItsFrozenPlan_AndThenRefusedByTheAggregator()
    {
        string data = Directory.CreateTempSubdirectory("confer-tabular-").FullName;
        try
        {
            foreach (var (name, seed) in new[] { ("alpha", 11), ("beta", 12) })
            {
                WriteCsv(Path.Combine(data, $"{name}.csv"), rows: 100, seed);
            }

            using LifecycleFederation federation = await LifecycleFederation.CertifyAsync(
                "tabular_csv", new LifecycleSetup { DataPath = name => Path.Combine(data, $"{name}.csv") }, "alpha", "beta");
            string beta = federation.CollaboratorWorkspace("beta");
            File.AppendAllText(Path.Combine(beta, "code", "MlpTaskRunner.cs"), "\n// beta's own change\n");

            LifecycleResult local = await LifecycleConfer.RunAsync(beta, "collaborator", "start", "-n", "beta");
            Assert.True(local.ExitCode == 1, local.ToString());
            Assert.Contains("The workspace code changed after the plan was frozen (code/MlpTaskRunner.cs changed;", local.Output + local.Error, StringComparison.Ordinal);

            await LifecycleConfer.RunOkAsync(beta, "plan", "freeze", "--force");
            await using LifecycleConfer aggregator = LifecycleConfer.Start(federation.Aggregator, "aggregator", "start");
            await using LifecycleConfer collaborator = LifecycleConfer.Start(beta, "collaborator", "start", "-n", "beta");
            LifecycleResult refused = await collaborator.WaitAsync(RunTimeout);
            string said = refused.Output + refused.Error;
            output.WriteLine($"beta, alone:\n{local.Output}{local.Error}\nbeta, refused by the aggregator:\n{said}");
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains("WrongCodeHash", said, StringComparison.Ordinal);
            Assert.Contains("workspace code mismatch", said, StringComparison.Ordinal);
            await aggregator.WaitForOutputAsync("WrongCodeHash", RunTimeout);
            string stored = Path.Combine(federation.Aggregator, "save", "federation");
            Assert.True(!Directory.Exists(stored) || !Directory.EnumerateFiles(stored, "*", SearchOption.AllDirectories).Any(f => f.Contains("beta", StringComparison.Ordinal)), refused.ToString());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task CnnTemplate_TrainsOnEachCollaboratorsOwnIdxFiles()
    {
        string data = Directory.CreateTempSubdirectory("confer-cnn-").FullName;
        try
        {
            string system = Environment.GetEnvironmentVariable("CONFER_DATA") ?? "/usr/share/datasets/fashion-mnist";
            string source = File.Exists(Path.Combine(system, "fashion-mnist", "train-images-idx3-ubyte.gz")) ? Path.Combine(system, "fashion-mnist") : system;
            int part = 0;
            foreach (string name in new[] { "alpha", "beta" })
            {
                string folder = Path.Combine(data, name);
                Directory.CreateDirectory(folder);
                SliceIdx(source, folder, "train", start: part * 3000, count: 3000);
                SliceIdx(source, folder, "t10k", start: part * 500, count: 500);
                part++;
            }

            using LifecycleFederation federation = await LifecycleFederation.CertifyAsync(
                "cnn_fashion_mnist", new LifecycleSetup { DataPath = name => Path.Combine(data, name) }, "alpha", "beta");
            string log = await RunAsync(federation);
            double accuracy = AggregatorLogs.Metric(log, 10, "aggregated_model_validation", "acc");
            output.WriteLine($"held-out accuracy after 10 rounds {accuracy:F4}");
            Assert.True(accuracy > 0.3, $"accuracy {accuracy:F4} is not above chance (0.1) by far\n{log}");
            AssertTrainedModel(federation, "cnn");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task EmptyTemplate_Builds_AndItsUnwrittenCodeIsNamedWhenTheInitialModelIsAskedFor()
    {
        string root = Directory.CreateTempSubdirectory("confer-empty-").FullName;
        try
        {
            LifecycleResult created = await LifecycleConfer.RunAsync(root, "workspace", "create", "--prefix", "agg", "--template", "empty");
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Contains("The plan is valid (task runner MyFederation.MyTaskRunner, data loader MyFederation.MyDataLoader", created.Output, StringComparison.Ordinal);

            LifecycleResult initialized = await LifecycleConfer.RunAsync(Path.Combine(root, "agg"), "plan", "initialize");
            Assert.True(initialized.ExitCode == 1, initialized.ToString());
            Assert.Contains("MyTaskRunner.CreateInitialModel: return your model's random initial weights", initialized.Error, StringComparison.Ordinal);
            Assert.Contains("docs/workspace-code.md", initialized.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(root, "agg", "save", "my_init.pbuf")), initialized.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// A task runner and a strategy that exist only in the workspace: each collaborator adds its own
    /// offset (its data file holds it: alpha 1, beta 3) to every weight, and the strategy keeps the
    /// element-wise largest update. FedAvg would end at 2 per round; this code ends at 3 per round.
    /// </summary>
    [Fact]
    public async Task TaskRunnerAndStrategyOnlyInTheWorkspace_RunThroughARealFederation_AndShowInTheModel()
    {
        string data = Directory.CreateTempSubdirectory("confer-offsets-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "alpha.txt"), "1");
            File.WriteAllText(Path.Combine(data, "beta.txt"), "3");
            using LifecycleFederation federation = await LifecycleFederation.CertifyAsync(
                "empty",
                new LifecycleSetup
                {
                    EditPlan = plan => plan
                        .Replace("rounds_to_train: 3", "rounds_to_train: 2", StringComparison.Ordinal)
                        .Replace("  defaults: plan/defaults/strategy.yaml\n", "  defaults: plan/defaults/strategy.yaml\n  template: MyFederation.LargestUpdate\n", StringComparison.Ordinal),
                    EditWorkspace = WriteOffsetCode,
                    DataPath = name => Path.Combine(data, $"{name}.txt"),
                },
                "alpha",
                "beta");
            await RunAsync(federation);
            ModelState last = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", "my_last.pbuf"));
            Assert.Equal(["w"], last.Select(t => t.Name));
            Assert.All(last[0].AsSpan<float>().ToArray(), v => Assert.Equal(6f, v));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static void WriteOffsetCode(string workspace)
    {
        string code = Path.Combine(workspace, "code");
        File.Delete(Path.Combine(code, "MyTaskRunner.cs"));
        File.Delete(Path.Combine(code, "MyDataLoader.cs"));
        File.WriteAllText(Path.Combine(code, "Offsets.cs"), OffsetCode);
    }

    private const string OffsetCode = """
        using Confer.Core;
        using Confer.Federation;
        using Confer.Federation.Messages;
        using Confer.Federation.Strategies;
        using Confer.Federation.TaskRunners;
        using Confer.Plan;

        namespace MyFederation;

        public sealed class MyDataLoader : IPlanDataLoader<float>
        {
            public SettingsSchema Settings => SettingsSchema.Empty;

            public float Load(DataLoaderContext context) => float.Parse(File.ReadAllText(context.DataPath()), System.Globalization.CultureInfo.InvariantCulture);
        }

        public sealed class MyTaskRunner : IPlanTaskRunner
        {
            public SettingsSchema Settings => SettingsSchema.Empty;

            public IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; } = new Dictionary<string, SettingsSchema>
            {
                ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000)]),
                ["validate_task"] = SettingsSchema.Empty,
            };

            public ModelState CreateInitialModel(PlanSettings settings, int seed) => new([NamedTensor.Zeros("w", ElementType.Float32, [4])]);

            public ITaskRunner Create(TaskRunnerContext context) => new OffsetRunner(context.LoadData<float>());
        }

        public sealed class OffsetRunner(float offset) : ITaskRunner
        {
            public ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
            {
                float[] values = request.GlobalModel[0].AsSpan<float>().ToArray();
                if (request.Task.Function == "validate_task")
                {
                    return ValueTask.FromResult(new TaskResult(null, new Dictionary<string, double> { ["acc"] = values.Average() }, 1));
                }

                float[] trained = [.. values.Select(v => v + offset)];
                var model = new ModelState([NamedTensor.Create<float>("w", [trained.Length], trained)]);
                return ValueTask.FromResult(new TaskResult(model, new Dictionary<string, double> { ["loss"] = offset }, 10));
            }

            public void Dispose()
            {
            }
        }

        public sealed class LargestUpdate : IPlanStrategy
        {
            public SettingsSchema Settings => SettingsSchema.Empty;

            public IStrategy Create(ConfigRecord settings) => new ElementwiseMax();
        }

        public sealed class ElementwiseMax : FederatedStrategy
        {
            public override string Name => "ElementwiseMax";

            protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) => new Largest();

            private sealed class Largest : IParameterAggregation
            {
                private float[]? _max;

                public void Add(string clientId, ArrayRecord arrays, long exampleCount)
                {
                    float[] values = arrays.ToModelState()[0].AsSpan<float>().ToArray();
                    _max = _max is null ? values : [.. _max.Zip(values, Math.Max)];
                }

                public ModelState Complete(ModelState? reusable) => new([NamedTensor.Create<float>("w", [_max!.Length], _max)]);
            }
        }
        """;

    private static async Task<string> RunAsync(LifecycleFederation federation)
    {
        IReadOnlyList<LifecycleResult> results = await federation.RunToTheEndAsync(RunTimeout);
        // Each collaborator built its code when it imported the workspace; the start took it from the cache.
        Assert.All(results.Skip(1), r => Assert.Contains("is built already", r.Output, StringComparison.Ordinal));
        return results[0].Output + results[0].Error;
    }

    private static void AssertTrainedModel(LifecycleFederation federation, string prefix)
    {
        ModelState initial = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", $"{prefix}_init.pbuf"));
        ModelState last = ModelStateSerializer.Load(Path.Combine(federation.Aggregator, "save", $"{prefix}_last.pbuf"));
        Assert.Null(initial.FindFirstMismatch(last));
        Assert.NotEqual(initial.ComputeHash(), last.ComputeHash());
    }

    /// <summary>Rows of 8 standard-normal features; the label is 1 when a fixed linear score exceeds 0.6 (about a third of the rows). Returns the held-out rows' labels (every fifth row, as the template's loader holds out).</summary>
    private static List<int> WriteCsv(string path, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("f0,f1,f2,f3,f4,f5,f6,f7,label\n");
        var heldOut = new List<int>();
        for (int row = 0; row < rows; row++)
        {
            double[] x = [.. Enumerable.Range(0, 8).Select(_ => Normal(random))];
            int label = x[0] + (0.8 * x[1]) - (0.6 * x[2]) + (0.5 * x[3]) > 0.6 ? 1 : 0;
            text.AppendJoin(',', x.Select(v => v.ToString("F5", CultureInfo.InvariantCulture))).Append(',').Append(label).Append('\n');
            if (row % 5 == 4)
            {
                heldOut.Add(label);
            }
        }

        File.WriteAllText(path, text.ToString());
        return heldOut;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Copies examples [start, start + count) of one Fashion-MNIST split into a folder of its own IDX files.</summary>
    private static void SliceIdx(string source, string folder, string split, int start, int count)
    {
        foreach (var (kind, recordSize) in new[] { ("images-idx3-ubyte", 28 * 28), ("labels-idx1-ubyte", 1) })
        {
            string name = $"{split}-{kind}.gz";
            using var input = new GZipStream(File.OpenRead(Path.Combine(source, name)), CompressionMode.Decompress);
            using var all = new MemoryStream();
            input.CopyTo(all);
            byte[] bytes = all.ToArray();
            int header = recordSize == 1 ? 8 : 16;
            byte[] slice = new byte[header + (count * recordSize)];
            Array.Copy(bytes, slice, header);
            slice[4] = (byte)(count >> 24);
            slice[5] = (byte)(count >> 16);
            slice[6] = (byte)(count >> 8);
            slice[7] = (byte)count;
            Array.Copy(bytes, header + (start * recordSize), slice, header, count * recordSize);
            using var output = new GZipStream(File.Create(Path.Combine(folder, name)), CompressionLevel.Fastest);
            output.Write(slice);
        }
    }
}
