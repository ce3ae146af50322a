namespace Confer.Workflow;

/// <summary>A step of a recorded run (Metaflow's <c>Step</c>): its tasks, one per participant and round.</summary>
public sealed class StepInfo
{
    internal StepInfo(string name, IReadOnlyList<TaskInfo> tasks)
    {
        Name = name;
        Tasks = tasks;
    }

    /// <summary>The step name.</summary>
    public string Name { get; }

    /// <summary>The step's tasks in the order they started.</summary>
    public IReadOnlyList<TaskInfo> Tasks { get; }

    /// <summary>The tasks a participant ran for this step (one per round).</summary>
    /// <param name="participant">The participant name (e.g. "Portland" or "aggregator").</param>
    /// <returns>The tasks, oldest first.</returns>
    public IReadOnlyList<TaskInfo> TasksOf(string participant) =>
        Tasks.Where(t => string.Equals(t.Participant, participant, StringComparison.Ordinal)).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"Step('{Name}')";
}
