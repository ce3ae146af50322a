namespace Confer.Federation.TaskRunners;

/// <summary>How a <see cref="FlowerClientTaskRunner"/> translates between the plan's tasks and a Flower-style client.</summary>
public sealed record FlowerClientTaskRunnerOptions
{
    /// <summary>
    /// Plan metric name → the name the client reports it under, e.g. <c>acc</c> → <c>accuracy</c>.
    /// A plan metric not listed here is looked up under its own name. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> MetricNames { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Task <c>kwargs</c> key → the configuration key the client reads, e.g. <c>epochs</c> → <c>local_epochs</c>.
    /// A key not listed here is passed under its own name. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConfigKeys { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
