namespace Confer.Federation;

/// <summary>One accepted reply of a round: who reported what, for the metrics file and per-node views.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Kind">The task's kind (a plan's task name).</param>
/// <param name="ExampleCount">The examples the result was computed on.</param>
/// <param name="Metrics">The reply's metrics.</param>
public sealed record NodeReport(string NodeId, string Kind, long ExampleCount, MetricRecord Metrics);
