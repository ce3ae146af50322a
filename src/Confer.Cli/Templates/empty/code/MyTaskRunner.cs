using Confer.Core;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace MyFederation;

/// <summary>
/// The plan's task runner (task_runner.template: MyFederation.MyTaskRunner). Confer creates it when
/// the plan loads; the aggregator asks it for the initial model, every collaborator for a runner of
/// the plan's tasks. See docs/workspace-code.md, and the tabular_csv template for a complete one.
/// </summary>
public sealed class MyTaskRunner : IPlanTaskRunner
{
    /// <summary>The task_runner.settings it accepts (a learning rate, layer sizes, ...).</summary>
    public SettingsSchema Settings => SettingsSchema.Empty;

    /// <summary>The task functions plan/defaults/tasks_torch.yaml names, each with the kwargs it accepts.</summary>
    public IReadOnlyDictionary<string, SettingsSchema> TaskFunctions { get; } = new Dictionary<string, SettingsSchema>
    {
        ["train_task"] = new([SettingDefinition.Integer("epochs", 1, 1, 1000, "Local epochs per round.")]),
        ["validate_task"] = SettingsSchema.Empty,
    };

    public ModelState CreateInitialModel(PlanSettings settings, int seed) =>
        throw new NotImplementedException("MyTaskRunner.CreateInitialModel: return your model's random initial weights as a ModelState (code/MyTaskRunner.cs, docs/workspace-code.md).");

    public ITaskRunner Create(TaskRunnerContext context) => new MyRunner(context.LoadData<MyData>());
}

/// <summary>One collaborator's runner of the plan's tasks.</summary>
public sealed class MyRunner(MyData data) : ITaskRunner
{
    public MyData Data { get; } = data;

    public ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default) =>
        // request.Task.Function is "train_task" or "validate_task"; request.GlobalModel the model to start from.
        // Return the trained model (or null for a validation), metrics by the names the task lists, and the example count.
        throw new NotImplementedException($"MyRunner.RunAsync: run task '{request.Task.Name}' (function {request.Task.Function}) (code/MyTaskRunner.cs, docs/workspace-code.md).");

    public void Dispose()
    {
    }
}
