using Microsoft.Extensions.Logging;

namespace Confer.Federation.Plans.Internal;

/// <summary>The log lines of a plan's rounds, worded like OpenFL's aggregator.</summary>
internal static partial class PlanLog
{
    [LoggerMessage(107, LogLevel.Information, "Round {Round}: {Task} {Metric}: {Value:F6} (example-weighted over {Collaborators} collaborators, {Examples} examples)")]
    public static partial void TaskMetric(ILogger logger, int round, string task, string metric, double value, int collaborators, long examples);
}
