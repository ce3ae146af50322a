using Confer.Core;
using Confer.Federation.Strategies;
using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// The task runners and data loaders a host knows, by name: it registers their plan schemas (as an
/// <see cref="IPlanTypeExporter"/>) and creates the runner a plan names. Nothing is created by
/// reflection: a name maps to a factory registered here.
/// </summary>
public sealed class TaskRunnerCatalog : IPlanTypeExporter
{
    private readonly Dictionary<string, TaskRunnerRegistration> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (SettingsSchema Settings, string Description, IPlanDataLoader? Loader)> _dataLoaders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A catalog with the <c>echo</c> task runner and the <c>none</c> data loader.</summary>
    /// <returns>The catalog.</returns>
    public static TaskRunnerCatalog CreateDefault() =>
        new TaskRunnerCatalog()
            .Add(EchoTaskRunner.Registration)
            .AddDataLoader("none", SettingsSchema.Empty, "No data: for the echo task runner, tests and benchmarks.");

    /// <summary>The registered task runners.</summary>
    public IReadOnlyCollection<TaskRunnerRegistration> TaskRunners => _runners.Values;

    /// <summary>Adds a task runner.</summary>
    /// <param name="registration">The runner.</param>
    /// <returns>This catalog.</returns>
    public TaskRunnerCatalog Add(TaskRunnerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _runners.Add(registration.Name, registration);
        return this;
    }

    /// <summary>
    /// Adds a task runner that runs the plan's tasks with a Flower-style client (see
    /// <see cref="FlowerClientTaskRunner.CreateRegistration"/>): <c>train_task</c> fits,
    /// <c>validate_task</c> evaluates.
    /// </summary>
    /// <param name="name">The name in the plan's <c>task_runner.template</c>.</param>
    /// <param name="createClient">Creates the client on each collaborator.</param>
    /// <param name="createInitialModel">Creates the initial global model from the task runner settings and a seed.</param>
    /// <param name="options">Metric and configuration names; <see langword="null"/> for none.</param>
    /// <param name="clientSettings">The strategies' client settings the client applies from its fit config (e.g. FedProx's <c>proximal_mu</c>); a plan whose strategy sends one not listed is refused.</param>
    /// <returns>This catalog.</returns>
    public TaskRunnerCatalog AddFlowerClient(
        string name,
        Func<TaskRunnerContext, Confer.Federation.Clients.IClient> createClient,
        Func<PlanSettings, int, ModelState> createInitialModel,
        FlowerClientTaskRunnerOptions? options = null,
        IEnumerable<string>? clientSettings = null) =>
        Add(FlowerClientTaskRunner.CreateRegistration(name, createClient, createInitialModel, options: options, clientSettings: clientSettings));

    /// <summary>Adds a data loader name with its settings (beyond <c>batch_size</c> and <c>collaborator_count</c>).</summary>
    /// <param name="name">The name in <c>data_loader.template</c>.</param>
    /// <param name="settings">Its settings.</param>
    /// <param name="description">One line of documentation.</param>
    /// <returns>This catalog.</returns>
    public TaskRunnerCatalog AddDataLoader(string name, SettingsSchema settings, string description = "")
    {
        _dataLoaders.Add(name, (settings, description, null));
        return this;
    }

    /// <summary>Adds a data loader object (a workspace's own type), which task runners reach through <see cref="TaskRunnerContext.LoadData{TData}"/>.</summary>
    /// <param name="name">The name in <c>data_loader.template</c> (the type's full name).</param>
    /// <param name="loader">The loader.</param>
    /// <returns>This catalog.</returns>
    public TaskRunnerCatalog AddDataLoader(string name, IPlanDataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        _dataLoaders.Add(name, (loader.Settings, loader.Description, loader));
        return this;
    }

    /// <summary>Creates the plan's task runner for one collaborator, with the plan's data loader in its context when it is a loader object.</summary>
    /// <param name="context">The plan, the collaborator, its data line and logging.</param>
    /// <returns>The runner.</returns>
    /// <exception cref="InvalidOperationException">The plan names a task runner this catalog does not have.</exception>
    public ITaskRunner Create(TaskRunnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IPlanDataLoader? loader = _dataLoaders.TryGetValue(context.Plan.DataLoader.Name, out var entry) ? entry.Loader : null;
        return Get(context.Plan).Create(context with { DataLoader = context.DataLoader ?? loader });
    }

    /// <summary>A plan registry with the built-ins, the strategies of <paramref name="strategies"/> (default: <see cref="StrategyRegistry.Default"/>) and everything in this catalog.</summary>
    /// <param name="strategies">The strategies plans may name; null for the built-in ones.</param>
    /// <returns>The registry.</returns>
    public PlanTypeRegistry CreatePlanRegistry(StrategyRegistry? strategies = null) => PlanTypeRegistry.CreateDefault().Add(strategies ?? StrategyRegistry.Default).Add(this);

    /// <inheritdoc />
    public void Register(PlanTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var runner in _runners.Values)
        {
            registry.RegisterTaskRunner(runner.Name, runner.Settings, runner.TaskFunctions, runner.Description, runner.ClientSettings);
        }

        foreach (var (name, loader) in _dataLoaders)
        {
            registry.RegisterDataLoader(name, loader.Settings, loader.Description);
        }
    }

    /// <summary>The registration of the plan's task runner.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="InvalidOperationException">The plan names a task runner this catalog does not have.</exception>
    public TaskRunnerRegistration Get(FederationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return _runners.TryGetValue(plan.TaskRunner.Name, out var registration)
            ? registration
            : throw new InvalidOperationException($"The plan's task runner '{plan.TaskRunner.Name}' is not registered here; registered: {string.Join(", ", _runners.Keys.Order(StringComparer.Ordinal))}.");
    }

    /// <summary>Creates the initial global model of <paramref name="plan"/> (what <c>plan initialize</c> writes to the init state path).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="seed">The seed of the random weights.</param>
    /// <returns>The model state.</returns>
    public ModelState CreateInitialModel(FederationPlan plan, int seed = 0)
    {
        TaskRunnerRegistration registration = Get(plan);
        return registration.CreatePlanInitialModel is { } create ? create(plan, seed) : registration.CreateInitialModel(plan.TaskRunner.Settings, seed);
    }
}
