using Confer.Core;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Confer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace TabularModel;

/// <summary>The model: features → hidden (ReLU) → one logit per class.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> hidden;
    private readonly nn.Module<Tensor, Tensor> output;

    public Mlp(int features, int hiddenUnits, int classes)
        : base(nameof(Mlp))
    {
        hidden = nn.Linear(features, hiddenUnits);
        output = nn.Linear(hiddenUnits, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using Tensor h = nn.functional.relu(hidden.forward(input));
        return output.forward(h);
    }
}

/// <summary>
/// The plan's task runner (task_runner.template: TabularModel.MlpTaskRunner): describes its
/// settings and tasks to the plan, makes the initial model on the aggregator, and a
/// <see cref="MlpRunner"/> on each collaborator.
/// </summary>
public sealed class MlpTaskRunner : IPlanTaskRunner
{
    public SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Integer("features", null, 1, 100_000, "Feature columns in each collaborator's CSV (every column but the label)."),
        SettingDefinition.Integer("classes", 2, 2, 10_000, "Number of classes; labels run from 0 to classes - 1."),
        SettingDefinition.Integer("hidden", 32, 1, 100_000, "Units of the hidden layer."),
        SettingDefinition.Number("learning_rate", 0.05, 0, null, minimumExclusive: true, description: "SGD learning rate."),
    ]);

    public IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; } = new Dictionary<string, SettingsSchema>
    {
        ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round.")]),
        ["validate_task"] = SettingsSchema.Empty,
    };

    public string Description => "A one-hidden-layer MLP for tabular classification, trained with SGD in TorchSharp.";

    public ModelState CreateInitialModel(PlanSettings settings, int seed)
    {
        torch.manual_seed(seed);
        using Mlp model = CreateModel(settings);
        return model.GetModelState();
    }

    public ITaskRunner Create(TaskRunnerContext context) => new MlpRunner(context, context.LoadData<TabularData>());

    internal static Mlp CreateModel(PlanSettings settings) => new(
        (int)settings["features"].AsInteger(),
        (int)settings["hidden"].AsInteger(),
        (int)settings["classes"].AsInteger());
}

/// <summary>One collaborator's runner: trains on its rows, validates on the rows it holds out.</summary>
public sealed class MlpRunner(TaskRunnerContext context, TabularData data) : ITaskRunner
{
    private readonly PlanSettings _settings = context.Plan.TaskRunner.Settings;
    private readonly int _batchSize = context.Plan.DataLoader.BatchSize;

    public ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        TorchRuntime.Configure();
        using var scope = torch.NewDisposeScope();
        using Mlp model = MlpTaskRunner.CreateModel(_settings);
        model.LoadModelState(request.GlobalModel);
        return ValueTask.FromResult(request.Task.Function switch
        {
            "train_task" => Train(model, request, cancellationToken),
            "validate_task" => Validate(model),
            var other => throw new InvalidOperationException($"MlpTaskRunner has no task function '{other}'; it has train_task and validate_task."),
        });
    }

    private TaskResult Train(Mlp model, TaskRequest request, CancellationToken cancellationToken)
    {
        long epochs = request.Task.Kwargs.TryGetValue("epochs", out PlanValue? e) ? e.AsInteger() : 1;
        double learningRate = _settings["learning_rate"].AsNumber();
        using var optimizer = torch.optim.SGD(model.parameters(), learningRate);
        // The order of the rows is seeded by the round, so a rerun trains the same way.
        var random = new Random(request.Round);
        int[] order = [.. Enumerable.Range(0, data.TrainCount)];
        double lossSum = 0;
        long batches = 0;
        model.train();
        for (long epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int[] rows = order[start..Math.Min(start + _batchSize, order.Length)];
                using var batch = torch.NewDisposeScope();
                (Tensor x, Tensor y) = Batch(data.TrainFeatures, data.TrainLabels, rows);
                optimizer.zero_grad();
                Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                batches++;
            }
        }

        var metrics = new Dictionary<string, double> { ["loss"] = lossSum / Math.Max(1, batches) };
        return new TaskResult(model.GetModelState(), metrics, data.TrainCount);
    }

    private TaskResult Validate(Mlp model)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        (Tensor x, Tensor y) = Batch(data.TestFeatures, data.TestLabels, [.. Enumerable.Range(0, data.TestCount)]);
        long correct = model.forward(x).argmax(1).eq(y).sum().item<long>();
        var metrics = new Dictionary<string, double> { ["acc"] = correct / (double)data.TestCount };
        return new TaskResult(null, metrics, data.TestCount);
    }

    private (Tensor Features, Tensor Labels) Batch(float[] features, long[] labels, int[] rows)
    {
        int width = data.FeatureCount;
        var x = new float[rows.Length * width];
        var y = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(features, rows[i] * width, x, i * width, width);
            y[i] = labels[rows[i]];
        }

        return (torch.tensor(x, [rows.Length, width]), torch.tensor(y));
    }

    public void Dispose()
    {
    }
}
