using System.Diagnostics;
using System.Globalization;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A test facility, off by default: the environment variable <c>CONFER_FAULT=crash:&lt;point&gt;[:round]</c>
/// kills this process (SIGKILL, as <c>kill -9</c> does: no finally blocks, no flushing, no
/// graceful shutdown) the first time it reaches the named point, in any round or in the given one.
/// It lets end-to-end tests crash an aggregator or a collaborator at an exact moment and prove
/// that a restart resumes correctly. Points are listed in <see cref="Points"/>.
/// </summary>
internal static class FaultInjection
{
    /// <summary>The environment variable that arms a fault.</summary>
    public const string Variable = "CONFER_FAULT";

    /// <summary>Aggregator: an upload begins while the round has no stored result yet.</summary>
    public const string BeforeFirstResult = "before-first-result";

    /// <summary>Aggregator: half of an upload's model bytes are written to its temporary file.</summary>
    public const string DuringUpload = "during-upload";

    /// <summary>Aggregator: a result is durable, but its acknowledgment has not been sent.</summary>
    public const string AfterResultStored = "after-result-stored";

    /// <summary>Aggregator: the round is closed and every result it counts is stored; nothing is aggregated yet.</summary>
    public const string BeforeAggregation = "before-aggregation";

    /// <summary>Aggregator: the round is aggregated and the best model (if better) is written; the round checkpoint is not.</summary>
    public const string BeforeCheckpoint = "before-checkpoint";

    /// <summary>Aggregator: the round checkpoint is written; the <c>last</c> model file is not.</summary>
    public const string WhileSaving = "while-saving";

    /// <summary>Collaborator: a task has run, its result is not uploaded yet.</summary>
    public const string CollaboratorBeforeUpload = "collaborator-before-upload";

    private static readonly Lazy<Fault?> Armed = new(() => Parse(Environment.GetEnvironmentVariable(Variable)));

    /// <summary>Every point a fault may name.</summary>
    public static IReadOnlyList<string> Points { get; } =
        [BeforeFirstResult, DuringUpload, AfterResultStored, BeforeAggregation, BeforeCheckpoint, WhileSaving, CollaboratorBeforeUpload];

    /// <summary>The armed fault in words, or null when none is armed.</summary>
    public static string? Description => Armed.Value is { } fault
        ? $"crash (SIGKILL) at '{fault.Point}'{(fault.Round is { } r ? string.Create(CultureInfo.InvariantCulture, $" in round {r}") : " in any round")}"
        : null;

    /// <summary>Kills the process when the armed fault names <paramref name="point"/> (and <paramref name="round"/>, if it names one).</summary>
    public static void Reach(string point, int round)
    {
        if (Armed.Value is not { } fault || !string.Equals(fault.Point, point, StringComparison.Ordinal) || (fault.Round is { } r && r != round))
        {
            return;
        }

        // Written straight to stderr: a logger's queue would die with the process.
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Variable}: crashing at '{point}' in round {round}"));
        Console.Error.Flush();
        using var self = Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>The <see cref="DuringUpload"/> point: reached once half of an upload's bytes are received (what is still in the file stream's buffer is lost, as in a real crash).</summary>
    public static void ReachDuringUpload(int round, long received, long size)
    {
        if (received * 2 >= size && Armed.Value is { Point: DuringUpload })
        {
            Reach(DuringUpload, round);
        }
    }

    /// <summary>Parses a <c>CONFER_FAULT</c> value; null or empty means no fault.</summary>
    /// <exception cref="InvalidOperationException">The value is not <c>crash:&lt;point&gt;[:round]</c> with a known point.</exception>
    public static Fault? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parts = value.Trim().Split(':');
        int? round = null;
        if (parts.Length == 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var r))
        {
            round = r;
        }

        if (parts.Length is < 2 or > 3 || parts[0] != "crash" || !Points.Contains(parts[1]) || (parts.Length == 3 && round is null))
        {
            throw new InvalidOperationException(
                $"{Variable}='{value}' is not a fault this build knows. Use crash:<point>[:round] with a point among {string.Join(", ", Points)}, or unset {Variable}.");
        }

        return new Fault(parts[1], round);
    }

    /// <summary>An armed fault: where, and in which round (null: the first time in any round).</summary>
    public sealed record Fault(string Point, int? Round);
}
