using System.Collections.Immutable;
using Confer.Core;
using Confer.Federation.Clients;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Plan;
using Confer.Testing;

namespace Confer.Federation.Grpc.Tests;

public class FlowerClientTaskRunnerTests
{
    private static readonly FlowerClientTaskRunnerOptions Names = new()
    {
        MetricNames = new Dictionary<string, string> { ["acc"] = "accuracy", ["loss"] = "train_loss" },
        ConfigKeys = new Dictionary<string, string> { ["epochs"] = "local_epochs" },
    };

    private static readonly TaskPlan Train = NewTask("train", "train_task", null, ["loss"], ("epochs", PlanValue.FromInteger(3)), ("note", PlanValue.FromString("x")));
    private static readonly TaskPlan ValidateGlobal = NewTask("aggregated_model_validation", "validate_task", TaskApply.Global, ["acc", "loss"]);
    private static readonly TaskPlan ValidateLocal = NewTask("locally_tuned_model_validation", "validate_task", TaskApply.Local, ["acc"]);

    [Fact]
    public async Task RunAsync_Train_FitsTheGlobalModelWithTheKwargsAndRoundAsConfig()
    {
        var client = new RecordingClient();
        using var runner = new FlowerClientTaskRunner(client, Names);
        ModelState global = Model(1f);

        TaskResult result = await runner.RunAsync(new TaskRequest(Train, 4, global)).AsTask().DefaultTimeout();

        Assert.Same(global, client.FitParameters.Single());
        ConfigRecord config = client.Configs.Single();
        Assert.Equal(3, config.GetInt64("local_epochs", -1));
        Assert.Equal("x", config.GetString("note", string.Empty));
        Assert.Equal(4, config.GetInt64(FlowerClientTaskRunner.RoundKey, -1));
        Assert.False(config.ContainsKey("epochs"));
        Assert.False(config.ContainsKey("metrics"));
        Assert.Equal(2f, result.Model!["w"].AsReadOnlySpan<float>()[0]);
        Assert.Equal(120, result.ExampleCount);
        Assert.Equal(new Dictionary<string, double> { ["loss"] = 0.25 }, result.Metrics);
    }

    [Fact]
    public async Task RunAsync_ValidateGlobal_EvaluatesTheGlobalModelAndMapsMetricsAndLoss()
    {
        var client = new RecordingClient();
        using var runner = new FlowerClientTaskRunner(client, Names);
        ModelState global = Model(1f);

        TaskResult result = await runner.RunAsync(new TaskRequest(ValidateGlobal, 0, global)).AsTask().DefaultTimeout();

        Assert.Same(global, client.EvaluateParameters.Single());
        Assert.Null(result.Model);
        Assert.Equal(40, result.ExampleCount);
        // The client's accuracy is the first weight / 10 and its loss 1 / the first weight.
        Assert.Equal(new Dictionary<string, double> { ["acc"] = 0.1, ["loss"] = 1.0 }, result.Metrics);
    }

    [Fact]
    public async Task RunAsync_ValidateLocal_EvaluatesTheModelThisClientTrainedThisRound()
    {
        var client = new RecordingClient();
        using var runner = new FlowerClientTaskRunner(client, Names);
        ModelState global = Model(1f);

        TaskResult before = await runner.RunAsync(new TaskRequest(ValidateGlobal, 2, global)).AsTask().DefaultTimeout();
        TaskResult trained = await runner.RunAsync(new TaskRequest(Train, 2, global)).AsTask().DefaultTimeout();
        TaskResult local = await runner.RunAsync(new TaskRequest(ValidateLocal, 2, global)).AsTask().DefaultTimeout();

        Assert.Same(trained.Model, client.EvaluateParameters[^1]);
        Assert.Equal(0.1, before.Metrics["acc"], 12);
        Assert.Equal(0.2, local.Metrics["acc"], 12);
    }

    [Fact]
    public async Task RunAsync_ValidateLocalWithoutTrainingInThatRound_FailsNamingTheTaskAndRound()
    {
        var client = new RecordingClient();
        using var runner = new FlowerClientTaskRunner(client, Names);
        await runner.RunAsync(new TaskRequest(Train, 0, Model(1f))).AsTask().DefaultTimeout();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TaskRequest(ValidateLocal, 1, Model(2f))).AsTask()).DefaultTimeout();

        Assert.Contains("'locally_tuned_model_validation' (apply: local) of round 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("no 'train_task' task has run here in that round", error.Message, StringComparison.Ordinal);
        Assert.Empty(client.EvaluateParameters);
    }

    [Fact]
    public async Task RunAsync_MetricTheClientDoesNotReport_FailsNamingItAndWhatWasReported()
    {
        using var runner = new FlowerClientTaskRunner(new RecordingClient(), Names);
        TaskPlan task = NewTask("aggregated_model_validation", "validate_task", TaskApply.Global, ["acc", "f1"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TaskRequest(task, 3, Model(1f))).AsTask()).DefaultTimeout();

        Assert.Contains("asks for the metric 'f1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("of round 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("RecordingClient reported only: accuracy, loss", error.Message, StringComparison.Ordinal);
        Assert.Contains("MetricNames", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithoutNameMapping_PlanNamesMustBeTheClientsOwn()
    {
        using var runner = new FlowerClientTaskRunner(new RecordingClient());

        TaskResult result = await runner.RunAsync(new TaskRequest(NewTask("v", "validate_task", TaskApply.Global, ["accuracy"]), 0, Model(1f))).AsTask().DefaultTimeout();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TaskRequest(ValidateGlobal, 0, Model(1f))).AsTask()).DefaultTimeout();

        Assert.Equal(0.1, result.Metrics["accuracy"], 12);
        Assert.Contains("asks for the metric 'acc'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownFunction_FailsNamingWhatAFlowerClientRuns()
    {
        using var runner = new FlowerClientTaskRunner(new RecordingClient());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(new TaskRequest(NewTask("export", "export_task", null, []), 0, Model(1f))).AsTask()).DefaultTimeout();

        Assert.Contains("'export_task'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'train_task' (fit) and 'validate_task' (evaluate)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_DisposesTheClient()
    {
        var client = new RecordingClient();
        var runner = new FlowerClientTaskRunner(client);

        runner.Dispose();

        Assert.True(client.Disposed);
    }

    [Fact]
    public void AddFlowerClient_RegistersTheNameWithTheTaskFunctionsForPlans()
    {
        TaskRunnerCatalog catalog = TaskRunnerCatalog.CreateDefault().AddFlowerClient("my_client", _ => new RecordingClient(), (_, seed) => Model(seed));

        PlanTypeRegistry registry = catalog.CreatePlanRegistry();

        Assert.Contains(catalog.TaskRunners, r => r.Name == "my_client" && r.TaskFunctions.ContainsKey("train_task") && r.TaskFunctions.ContainsKey("validate_task"));
        Assert.True(registry.TryGet(PlanComponentKind.TaskRunner, "my_client", out _));
    }

    private static ModelState Model(float value) => new([NamedTensor.Create<float>("w", [2], [value, value])]);

    private static TaskPlan NewTask(string name, string function, TaskApply? apply, string[] metrics, params (string Key, PlanValue Value)[] kwargs)
    {
        var values = kwargs.Select(k => new KeyValuePair<string, PlanValue>(k.Key, k.Value)).ToList();
        values.Add(new("metrics", PlanValue.FromStrings(metrics)));
        if (apply is { } a)
        {
            values.Add(new("apply", PlanValue.FromString(a == TaskApply.Local ? "local" : "global")));
        }

        return new TaskPlan(name, function, apply, [.. metrics], new PlanSettings(values));
    }

    /// <summary>Adds 1 to every weight when fitting; evaluates to accuracy = first weight / 10 and loss = 1 / first weight.</summary>
    private sealed class RecordingClient : Client, IDisposable
    {
        public List<ModelState> FitParameters { get; } = [];

        public List<ModelState> EvaluateParameters { get; } = [];

        public List<ConfigRecord> Configs { get; } = [];

        public bool Disposed { get; private set; }

        public override ModelState GetParameters(ConfigRecord config) => Model(0f);

        public override FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
        {
            FitParameters.Add(parameters);
            Configs.Add(config);
            float w = parameters["w"].AsReadOnlySpan<float>()[0];
            return new FitResult(Model(w + 1), 120, new MetricRecord([new("train_loss", 0.25), new("train_accuracy", 0.5)]));
        }

        public override Clients.EvaluateResult Evaluate(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
        {
            EvaluateParameters.Add(parameters);
            float w = parameters["w"].AsReadOnlySpan<float>()[0];
            return new Clients.EvaluateResult(1.0 / w, 40, MetricRecord.Of("accuracy", w / 10.0));
        }

        public void Dispose() => Disposed = true;
    }
}
