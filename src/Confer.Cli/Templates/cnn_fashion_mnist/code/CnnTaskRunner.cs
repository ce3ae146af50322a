using Confer.Core;
using Confer.Federation.TaskRunners;
using Confer.Federation.Torch;
using Confer.Plan;
using Confer.Torch;

namespace FashionMnistCnn;

/// <summary>
/// The plan's task runner (task_runner.template: FashionMnistCnn.CnnTaskRunner): a Flower-style
/// TorchSharp client on each collaborator's shard, behind the plan's train_task and validate_task.
/// </summary>
public sealed class CnnTaskRunner : IPlanTaskRunner
{
    public SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Number("learning_rate", 0.01, 0, null, minimumExclusive: true, description: "SGD learning rate."),
        SettingDefinition.Number("momentum", 0.5, 0, 1, maximumExclusive: true, description: "SGD momentum."),
    ]);

    public IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; } = new Dictionary<string, SettingsSchema>
    {
        [FlowerClientTaskRunner.TrainFunction] = new([SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round.")]),
        [FlowerClientTaskRunner.ValidateFunction] = SettingsSchema.Empty,
    };

    public string Description => "The OpenFL tutorial CNN trained with SGD in TorchSharp, as workspace code.";

    /// <summary>The model. Put your own network here: any Confer.Torch.ClassifierNetwork.</summary>
    public static ClassifierNetwork CreateNetwork(long seed) => OpenFlCnn.Create(seed);

    public ModelState CreateInitialModel(PlanSettings settings, int seed)
    {
        using ClassifierNetwork network = CreateNetwork(seed);
        return network.GetModelState();
    }

    public ITaskRunner Create(TaskRunnerContext context)
    {
        FashionMnistPart part = context.LoadData<FashionMnistPart>();
        PlanSettings settings = context.Plan.TaskRunner.Settings;
        var options = new TorchClientOptions
        {
            BatchSize = context.Plan.DataLoader.BatchSize,
            LearningRate = settings["learning_rate"].AsNumber(),
            Momentum = settings["momentum"].AsNumber(),
            Seed = part.Seed,
            SeedDropoutPerFit = true,
        };
        var client = new TorchClient(() => CreateNetwork(0), part.Train, [.. Enumerable.Range(0, part.Train.Count)], options, part.Shard ?? 0, part.Test);
        return new FlowerClientTaskRunner(client, TorchCnnTaskRunner.ClientOptions);
    }
}
