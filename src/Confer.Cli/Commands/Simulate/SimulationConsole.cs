using System.Globalization;
using Confer.Federation;
using Spectre.Console;

namespace Confer.Cli.Commands.Simulate;

/// <summary>The live display while a simulation runs and the per-round table after it.</summary>
internal static class SimulationConsole
{
    public static async Task<History> RunWithProgressAsync(SimulationSetup setup, SimulateSettings settings, CancellationToken cancellationToken)
    {
        var options = new SimulationOptions
        {
            ClientCount = settings.Clients,
            ClientIds = settings.Names,
            Rounds = settings.Rounds,
            MaxParallelClients = settings.MaxParallel,
            RoundTimeout = settings.RoundTimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
            Seed = settings.Seed,
        };
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lines = new RoundLines();
            return await Simulation.RunAsync(setup.ClientFactory, setup.Strategy, options with { Progress = lines }, cancellationToken).ConfigureAwait(false);
        }

        History? history = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("starting", maxValue: settings.Rounds);
                var live = new LiveProgress(task);
                history = await Simulation.RunAsync(setup.ClientFactory, setup.Strategy, options with { Progress = live }, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return history!;
    }

    public static void WriteTable(History history)
    {
        var table = new Table().AddColumns("round", "fit ok", "fit failed", "evaluate ok", "evaluate failed", "loss (distributed)", "loss (centralized)", "accuracy (centralized)", "seconds");
        if (history.InitialEvaluation is { } initial)
        {
            table.AddRow("0", "", "", "", "", "", Format(initial.Loss), Format(Accuracy(initial.Metrics)), "");
        }

        foreach (RoundRecord round in history.Rounds)
        {
            table.AddRow(
                round.Round.ToString(CultureInfo.InvariantCulture),
                round.FitResults.ToString(CultureInfo.InvariantCulture),
                round.FitFailures.Count.ToString(CultureInfo.InvariantCulture),
                round.EvaluateResults.ToString(CultureInfo.InvariantCulture),
                round.EvaluateFailures.Count.ToString(CultureInfo.InvariantCulture),
                Format(round.LossDistributed),
                Format(round.LossCentralized),
                Format(Accuracy(round.MetricsCentralized)),
                round.Seconds.ToString("F1", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        foreach (ClientFailure failure in history.Rounds.SelectMany(r => r.FitFailures.Concat(r.EvaluateFailures)).Take(10))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]failure[/] {failure.ClientId} ({failure.Reason}): {failure.Message}");
        }
    }

    internal static double? Accuracy(MetricRecord metrics) => metrics.TryGetValue("accuracy", out double value) ? value : null;

    private static string Format(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    /// <summary>Updates one progress bar: a round is one unit, advanced by each finished client task.</summary>
    private sealed class LiveProgress(ProgressTask task) : IProgress<RoundProgress>
    {
        private double? _lastAccuracy;

        public void Report(RoundProgress value)
        {
            string accuracy = _lastAccuracy is { } a ? string.Create(CultureInfo.InvariantCulture, $" · accuracy {a:F4}") : string.Empty;
            switch (value.Phase)
            {
                case RoundPhase.Fit:
                    task.Value = value.Round - 1 + (0.9 * value.Finished / Math.Max(1, value.Total));
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"round {value.Round}/{value.Rounds} · fit {value.Finished}/{value.Total} clients{Failures(value)}{accuracy}");
                    break;
                case RoundPhase.CentralizedEvaluate:
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"round {value.Round}/{value.Rounds} · evaluating on the aggregator{accuracy}");
                    break;
                case RoundPhase.Evaluate:
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"round {value.Round}/{value.Rounds} · evaluate {value.Finished}/{value.Total} clients{Failures(value)}{accuracy}");
                    break;
                case RoundPhase.Completed:
                    _lastAccuracy = Accuracy(value.Record!.MetricsCentralized) ?? Accuracy(value.Record.MetricsDistributed) ?? _lastAccuracy;
                    task.Value = value.Round;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"round {value.Round}/{value.Rounds} done{(_lastAccuracy is { } b ? $" · accuracy {b:F4}" : string.Empty)}");
                    break;
            }
        }

        private static string Failures(RoundProgress value) => value.Failures > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({value.Failures} failed)") : string.Empty;
    }

    /// <summary>One line per finished round, for logs and pipes.</summary>
    private sealed class RoundLines : IProgress<RoundProgress>
    {
        public void Report(RoundProgress value)
        {
            if (value.Phase != RoundPhase.Completed)
            {
                return;
            }

            RoundRecord r = value.Record!;
            double? accuracy = Accuracy(r.MetricsCentralized) ?? Accuracy(r.MetricsDistributed);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round {r.Round}/{value.Rounds}: {r.FitResults} fit results, {r.FitFailures.Count} failures, loss {Format(r.LossCentralized ?? r.LossDistributed)}, accuracy {Format(accuracy)} ({r.Seconds:F1} s)"));
        }
    }
}
