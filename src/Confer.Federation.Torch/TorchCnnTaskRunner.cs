using Confer.Core;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Federation.Torch.Internal;
using Confer.Plan;
using Confer.Torch;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Torch;

/// <summary>
/// The <c>torch_cnn</c> task runner: OpenFL's tutorial CNN (<see cref="OpenFlCnn"/>) trained with
/// SGD in TorchSharp on the collaborator's part of Fashion-MNIST (<see cref="FashionMnistDataLoader"/>).
/// It is a <see cref="TorchClient"/> behind a <see cref="FlowerClientTaskRunner"/>:
/// <c>train_task</c> trains <c>epochs</c> local epochs and reports <c>loss</c>; <c>validate_task</c>
/// reports <c>acc</c> and <c>loss</c> on the collaborator's test examples, of the global model
/// (<c>apply: global</c>) or of the model it trained this round (<c>apply: local</c>).
/// </summary>
/// <remarks>
/// Settings: <c>learning_rate</c> (default 0.01) and <c>momentum</c> (default 0.5); the batch size
/// is <c>data_loader.settings.batch_size</c>. The collaborator's <c>opt_treatment</c> picks the
/// optimizer state a round starts from: <c>RESET</c> a fresh one; <c>CONTINUE_LOCAL</c> the one
/// this collaborator's previous round left; <c>CONTINUE_GLOBAL</c> the one the global model
/// carries (tensors <c>optimizer.*</c>, which <c>plan initialize</c> writes for such a plan and
/// the aggregator averages with the weights), or, for a global model without them, this
/// collaborator's own, as <c>CONTINUE_LOCAL</c>. It applies the strategies' client settings
/// <c>proximal_mu</c> (FedProx) and <c>importance</c> (FedCurv); for a plan whose strategy is
/// <c>fedcurv</c>, <c>plan initialize</c> writes zero FedCurv tensors (<c>p_u</c>, <c>p_v</c>,
/// <c>p_w</c> per parameter) after the weights, which each round trains against and sends back
/// with the collaborator's Fisher information (see <see cref="TorchClient"/>).
/// </remarks>
public static class TorchCnnTaskRunner
{
    /// <summary>The plan name: <c>torch_cnn</c>.</summary>
    public const string Name = "torch_cnn";

    /// <summary>The setting of the SGD learning rate.</summary>
    public const string LearningRateKey = "learning_rate";

    /// <summary>The setting of the SGD momentum.</summary>
    public const string MomentumKey = "momentum";

    /// <summary>The plan's metric names mapped to <see cref="TorchClient"/>'s: <c>acc</c> → <c>accuracy</c>, <c>loss</c> → <c>train_loss</c> (a validation's <c>loss</c> is its evaluation loss).</summary>
    public static FlowerClientTaskRunnerOptions ClientOptions { get; } = new()
    {
        MetricNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["acc"] = "accuracy",
            ["accuracy"] = "accuracy",
            ["loss"] = "train_loss",
        },
        ConfigKeys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["epochs"] = TorchClient.LocalEpochsKey,
            ["learning_rate_decay"] = TorchClient.LearningRateDecayKey,
        },
    };

    /// <summary>The settings <c>task_runner.settings</c> may hold.</summary>
    public static SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Number(LearningRateKey, 0.01, 0, null, minimumExclusive: true, description: "SGD learning rate."),
        SettingDefinition.Number(MomentumKey, 0.5, 0, 1, maximumExclusive: true, description: "SGD momentum."),
    ]);

    /// <summary>The registration for <see cref="TaskRunnerCatalog.Add"/>.</summary>
    public static TaskRunnerRegistration Registration { get; } = FlowerClientTaskRunner.CreateRegistration(
        Name,
        CreateClient,
        CreateInitialModel,
        Settings,
        new Dictionary<string, SettingsSchema>(StringComparer.Ordinal)
        {
            [FlowerClientTaskRunner.TrainFunction] = new(
            [
                SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round."),
                SettingDefinition.Number("learning_rate_decay", 1, 0, 1, minimumExclusive: true, description: "Per-round learning-rate decay: round r (from 1) trains with learning_rate × learning_rate_decay^(r − 1); 1 keeps it constant."),
            ]),
            [FlowerClientTaskRunner.ValidateFunction] = SettingsSchema.Empty,
        },
        ClientOptions,
        "The OpenFL tutorial CNN (Confer.Torch.OpenFlCnn) trained with SGD in TorchSharp.",
        [FedProx.ProximalMuKey, FedCurv.ImportanceKey]) with
    {
        CreatePlanInitialModel = CreateInitialModel,
    };

    /// <summary>Creates the initial global model: <see cref="OpenFlCnn"/>'s random weights drawn from <paramref name="seed"/>.</summary>
    /// <param name="settings">The task runner settings (unused: the network has no size settings).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The weights.</returns>
    public static ModelState CreateInitialModel(PlanSettings settings, int seed)
    {
        using OpenFlCnn network = OpenFlCnn.Create(seed);
        return network.GetModelState();
    }

    /// <summary>
    /// Creates the initial global model of <paramref name="plan"/>: <see cref="CreateInitialModel(PlanSettings, int)"/>,
    /// followed by a fresh optimizer's state when the plan's <c>opt_treatment</c> is
    /// <c>CONTINUE_GLOBAL</c>, so that state is aggregated and sent back with the weights, and by
    /// zero FedCurv tensors (<see cref="TorchClient.WithFedCurvTensors"/>) when the plan's strategy
    /// is <c>fedcurv</c>, so the collaborators' Fisher information has a place in the model.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The initial global model.</returns>
    public static ModelState CreateInitialModel(FederationPlan plan, int seed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using OpenFlCnn network = OpenFlCnn.Create(seed);
        ModelState model = plan.Collaborator.OptTreatment == OptTreatment.ContinueGlobal
            ? TorchClient.WithOptimizerState(network)
            : network.GetModelState();
        return string.Equals(plan.Strategy.Name, FedCurv.StrategyName, StringComparison.OrdinalIgnoreCase)
            ? TorchClient.WithFedCurvTensors(model, network)
            : model;
    }

    /// <summary>Creates the <see cref="TorchClient"/> a collaborator runs the plan's tasks with.</summary>
    /// <param name="context">The plan, the collaborator and its data.</param>
    /// <returns>The client.</returns>
    /// <exception cref="InvalidOperationException">The plan's data loader is not <c>fashion_mnist</c>, or the collaborator's data is missing or wrong.</exception>
    public static TorchClient CreateClient(TaskRunnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        FederationPlan plan = context.Plan;
        if (!string.Equals(plan.DataLoader.Name, FashionMnistDataLoader.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The {Name} task runner trains on Fashion-MNIST, but the plan's data_loader.template is '{plan.DataLoader.Name}'. Set it to {FashionMnistDataLoader.Name}.");
        }

        FashionMnistPart part = FashionMnistDataLoader.Load(plan, context.CollaboratorName, context.Data);
        PlanSettings settings = plan.TaskRunner.Settings;
        var options = new TorchClientOptions
        {
            BatchSize = plan.DataLoader.BatchSize,
            LearningRate = settings.TryGetValue(LearningRateKey, out PlanValue? lr) ? lr.AsNumber() : 0.01,
            Momentum = settings.TryGetValue(MomentumKey, out PlanValue? m) ? m.AsNumber() : 0.5,
            Seed = part.Seed,

            // A collaborator process trains one client: its dropout can be made repeatable.
            SeedDropoutPerFit = true,
            OptimizerTreatment = plan.Collaborator.OptTreatment switch
            {
                OptTreatment.ContinueLocal => OptimizerTreatment.ContinueLocal,
                OptTreatment.ContinueGlobal => OptimizerTreatment.ContinueGlobal,
                _ => OptimizerTreatment.Reset,
            },
        };
        ILogger logger = context.LoggerFactory.CreateLogger("Confer.Collaborator");
        TorchLog.DataLoaded(logger, context.CollaboratorName, part.Train.Count, part.Test.Count, part.Source);
        TorchLog.Training(logger, context.CollaboratorName, options.LearningRate, options.Momentum, options.BatchSize, plan.Collaborator.OptTreatment.ToString());
        return new TorchClient(() => OpenFlCnn.Create(), part.Train, Enumerable.Range(0, part.Train.Count).ToArray(), options, part.Shard ?? 0, part.Test);
    }
}
