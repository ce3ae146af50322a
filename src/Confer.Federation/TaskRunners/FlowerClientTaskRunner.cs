using System.Globalization;
using Confer.Core;
using Confer.Federation.Clients;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// Runs the plan's tasks with a Flower-style <see cref="IClient"/>: <c>train_task</c> calls
/// <see cref="IClient.FitAsync"/> on the global model; <c>validate_task</c> calls
/// <see cref="IClient.EvaluateAsync"/> on the global model (<c>apply: global</c>) or on the model
/// this client trained in the same round (<c>apply: local</c>). The metrics sent are exactly those
/// the task lists, looked up in what the client reports under the name
/// <see cref="FlowerClientTaskRunnerOptions.MetricNames"/> maps it to, then under its own name; a
/// validation task's <c>loss</c> is the evaluation loss unless the client reports a metric of that
/// name. A metric the client does not report stops the task with an error naming it.
/// </summary>
/// <remarks>
/// The configuration passed to the client holds the task's scalar <c>kwargs</c> (booleans,
/// integers, numbers, strings; not <c>apply</c> or <c>metrics</c>), renamed by
/// <see cref="FlowerClientTaskRunnerOptions.ConfigKeys"/>, then the strategy's settings the task
/// message carries (<see cref="TaskRequest.Config"/>: FedProx's <c>proximal_mu</c>), and
/// <c>server_round</c>: the round, from 1, as Flower and Confer count it. One instance serves one
/// collaborator for the whole federation; the client is disposed with it.
/// </remarks>
public sealed class FlowerClientTaskRunner : ITaskRunner
{
    /// <summary>The task function that trains: <c>train_task</c>.</summary>
    public const string TrainFunction = "train_task";

    /// <summary>The task function that evaluates: <c>validate_task</c>.</summary>
    public const string ValidateFunction = "validate_task";

    /// <summary>The configuration key of the round, counted from 1: <c>server_round</c>.</summary>
    public const string RoundKey = "server_round";

    private readonly IClient _client;
    private readonly FlowerClientTaskRunnerOptions _options;
    private (int Round, ModelState Model)? _local;

    /// <summary>Wraps <paramref name="client"/>.</summary>
    /// <param name="client">The client; disposed with this runner when it is <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/>.</param>
    /// <param name="options">Metric and configuration names; <see langword="null"/> for none.</param>
    public FlowerClientTaskRunner(IClient client, FlowerClientTaskRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new FlowerClientTaskRunnerOptions();
    }

    /// <summary>The task functions a Flower client implements, with their <c>kwargs</c>: <c>train_task</c> (<c>epochs</c>, default 1) and <c>validate_task</c> (none).</summary>
    public static IReadOnlyDictionary<string, SettingsSchema> DefaultTaskFunctions { get; } = new Dictionary<string, SettingsSchema>(StringComparer.Ordinal)
    {
        [TrainFunction] = new SettingsSchema([SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round.")]),
        [ValidateFunction] = SettingsSchema.Empty,
    };

    /// <summary>
    /// A registration for <see cref="TaskRunnerCatalog.Add"/> that runs the plan's tasks with the
    /// client <paramref name="createClient"/> makes on each collaborator.
    /// </summary>
    /// <param name="name">The name in the plan's <c>task_runner.template</c>.</param>
    /// <param name="createClient">Creates this collaborator's client (its data comes from <see cref="TaskRunnerContext.Data"/>).</param>
    /// <param name="createInitialModel">Creates the initial global model from the task runner settings and a seed (<c>plan initialize</c>).</param>
    /// <param name="settings">The settings <c>task_runner.settings</c> may hold; <see langword="null"/> for none.</param>
    /// <param name="taskFunctions">The task functions and their <c>kwargs</c>; <see langword="null"/> for <see cref="DefaultTaskFunctions"/>.</param>
    /// <param name="options">Metric and configuration names; <see langword="null"/> for none.</param>
    /// <param name="description">One line of documentation.</param>
    /// <param name="clientSettings">The strategy settings the client's training applies (e.g. <c>proximal_mu</c>); default none.</param>
    /// <returns>The registration.</returns>
    public static TaskRunnerRegistration CreateRegistration(
        string name,
        Func<TaskRunnerContext, IClient> createClient,
        Func<PlanSettings, int, ModelState> createInitialModel,
        SettingsSchema? settings = null,
        IReadOnlyDictionary<string, SettingsSchema>? taskFunctions = null,
        FlowerClientTaskRunnerOptions? options = null,
        string description = "",
        IEnumerable<string>? clientSettings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(createClient);
        ArgumentNullException.ThrowIfNull(createInitialModel);
        return new TaskRunnerRegistration
        {
            Name = name,
            Settings = settings ?? SettingsSchema.Empty,
            TaskFunctions = taskFunctions ?? DefaultTaskFunctions,
            Create = context => new FlowerClientTaskRunner(createClient(context), options),
            CreateInitialModel = createInitialModel,
            Description = description.Length == 0 ? "A Flower-style client (IClient) behind the plan's tasks." : description,
            ClientSettings = [.. clientSettings ?? []],
        };
    }

    /// <inheritdoc />
    public async ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        TaskPlan task = request.Task;
        ConfigRecord config = CreateConfig(task, request.Round, request.Config);
        switch (task.Function)
        {
            case TrainFunction:
            {
                _local = null;
                FitResult fit = await _client.FitAsync(request.GlobalModel, config, cancellationToken).ConfigureAwait(false);
                _local = (request.Round, fit.Parameters);
                return new TaskResult(fit.Parameters, SelectMetrics(task, request.Round, fit.Metrics, evaluationLoss: null), fit.ExampleCount);
            }

            case ValidateFunction:
            {
                ModelState model = task.Apply == TaskApply.Local ? LocalModel(task, request.Round) : request.GlobalModel;
                Clients.EvaluateResult evaluation = await _client.EvaluateAsync(model, config, cancellationToken).ConfigureAwait(false);
                return new TaskResult(null, SelectMetrics(task, request.Round, evaluation.Metrics, evaluation.Loss), evaluation.ExampleCount);
            }

            default:
                throw new InvalidOperationException(
                    $"The task '{task.Name}' calls the function '{task.Function}', but a Flower client only runs '{TrainFunction}' (fit) and '{ValidateFunction}' (evaluate). Change the task's function in the plan, or register a task runner that implements it.");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _local = null;
        switch (_client)
        {
            case IDisposable disposable:
                disposable.Dispose();
                break;
            case IAsyncDisposable asyncDisposable:
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }

    private ModelState LocalModel(TaskPlan task, int round) =>
        _local is { } local && local.Round == round
            ? local.Model
            : throw new InvalidOperationException(
                $"The task '{task.Name}' (apply: local) of round {round} validates the model this collaborator trained in round {round}, but no '{TrainFunction}' task has run here in that round. "
                + "Put a training task before it in the same task group, or make it apply: global.");

    private ConfigRecord CreateConfig(TaskPlan task, int round, ConfigRecord strategyConfig)
    {
        var values = new List<KeyValuePair<string, ConfigValue>>(task.Kwargs.Count + 1);
        foreach ((string key, PlanValue value) in task.Kwargs)
        {
            if (key is "apply" or "metrics")
            {
                continue;
            }

            ConfigValue? scalar = value.Kind switch
            {
                PlanValueKind.Boolean => (ConfigValue?)ConfigValue.FromBoolean(value.AsBoolean()),
                PlanValueKind.Integer => ConfigValue.FromInt64(value.AsInteger()),
                PlanValueKind.Number => ConfigValue.FromDouble(value.AsNumber()),
                PlanValueKind.String => ConfigValue.FromString(value.AsString()),
                _ => null,
            };
            if (scalar is { } s)
            {
                values.Add(new(_options.ConfigKeys.TryGetValue(key, out string? renamed) ? renamed : key, s));
            }
        }

        values.AddRange(strategyConfig);
        values.Add(new(RoundKey, ConfigValue.FromInt64(round)));
        return new ConfigRecord(values);
    }

    private Dictionary<string, double> SelectMetrics(TaskPlan task, int round, MetricRecord reported, double? evaluationLoss)
    {
        var metrics = new Dictionary<string, double>(task.Metrics.Length, StringComparer.Ordinal);
        foreach (string name in task.Metrics)
        {
            string clientName = _options.MetricNames.TryGetValue(name, out string? mapped) ? mapped : name;
            if (reported.TryGetValue(clientName, out double value) || reported.TryGetValue(name, out value))
            {
                metrics[name] = value;
            }
            else if (evaluationLoss is { } loss && (clientName == "loss" || name == "loss"))
            {
                metrics[name] = loss;
            }
            else
            {
                string available = string.Join(", ", reported.Keys.Concat(evaluationLoss is null ? [] : ["loss"]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The task '{task.Name}' of round {round} asks for the metric '{name}'{(clientName == name ? string.Empty : $" (reported by the client as '{clientName}')")}, but the client {_client.GetType().Name} reported {(available.Length == 0 ? "no metrics" : $"only: {available}")}. "
                    + $"Report it from the client, map the plan's name to the client's with {nameof(FlowerClientTaskRunnerOptions)}.{nameof(FlowerClientTaskRunnerOptions.MetricNames)}, or remove it from the task's metrics in the plan."));
            }
        }

        return metrics;
    }
}
