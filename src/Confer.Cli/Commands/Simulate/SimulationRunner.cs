using System.Diagnostics;
using System.Globalization;
using Confer.Core;
using Confer.Data;
using Confer.Federation;
using Confer.Federation.Strategies;
using Confer.Federation.Torch;
using Confer.Torch;
using Spectre.Console;

namespace Confer.Cli.Commands.Simulate;

/// <summary>Builds the federation <c>confer simulate</c> asked for, runs it with a live display and writes the outputs.</summary>
internal static class SimulationRunner
{
    /// <summary>
    /// Clients trained at once by default: one. Each client's training is a stream of small
    /// convolutions that torch already spreads over every core; measured on a 2-core machine, two
    /// clients with one torch thread each were no faster than one client with two threads and
    /// made the round's wall time noisier.
    /// </summary>
    internal const int DefaultMaxParallel = 1;

    public static async Task<int> RunAsync(SimulateSettings settings, CancellationToken cancellationToken)
    {
        string? problem = Validate(settings);
        if (problem is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {problem}");
            return 2;
        }

        var total = Stopwatch.StartNew();
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = settings.TorchThreads ?? Math.Max(1, Environment.ProcessorCount / settings.MaxParallel) });

        // Dropout draws from torch's global generator: seeding it makes a run with one client at a time repeatable.
        TorchSharp.torch.manual_seed(settings.Seed);
        SimulationSetup setup;
        try
        {
            setup = settings.App is null ? SimulationSetup.FashionMnist(settings) : SimulationSetup.FromApp(settings);
        }
        catch (Exception ex) when (ex is DatasetNotFoundException or IdxFormatException or ArgumentException or SimulationAppException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 1;
        }

        using (setup)
        {
            AnsiConsole.MarkupLineInterpolated($"{setup.Description}");
            AnsiConsole.MarkupLineInterpolated($"Strategy {setup.Strategy}; {settings.Rounds} rounds, at most {settings.MaxParallel} clients at once, {TorchRuntime.Threads} torch threads.");
            History history;
            try
            {
                history = await SimulationConsole.RunWithProgressAsync(setup, settings, cancellationToken).ConfigureAwait(false);
            }
            catch (NotEnoughClientsException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("[yellow]cancelled[/]: no outputs written.");
                return 130;
            }

            SimulationConsole.WriteTable(history);
            string folder = SimulationOutputs.Write(history, settings.Output, setup.Strategy.Name);
            AnsiConsole.MarkupLineInterpolated($"Wrote {Path.Combine(folder, SimulationOutputs.HistoryFile)}, {SimulationOutputs.PlotFile} and {SimulationOutputs.ModelFile}.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static string? Validate(SimulateSettings s)
    {
        if (s.Clients < 1 || s.Rounds < 1 || s.LocalEpochs < 1 || s.BatchSize < 1 || s.MaxParallel < 1)
        {
            return "--clients, --rounds, --local-epochs, --batch-size and --max-parallel must be at least 1.";
        }

        if (!(s.LearningRate > 0) || !(s.Momentum >= 0))
        {
            return "--lr must be above 0 and --momentum not negative.";
        }

        if (s.FractionEvaluate > 0 && !(s.HoldOut > 0 && s.HoldOut < 1))
        {
            return "--holdout must be above 0 and below 1: each client evaluates on that share of its partition.";
        }

        if (s.TorchThreads is < 1)
        {
            return "--torch-threads must be at least 1.";
        }

        if (s.RoundTimeoutSeconds is { } t && !(t > 0))
        {
            return "--round-timeout must be a positive number of seconds.";
        }

        if (s.Names is not null && s.Names.Distinct(StringComparer.Ordinal).Count() != s.Names.Count)
        {
            return "--names has a name twice; client names must be unique.";
        }

        return null;
    }

    /// <summary>The strategy from its name and the command line's knobs.</summary>
    internal static IStrategy CreateStrategy(SimulateSettings s, ModelState? initial, EvaluateFunction? evaluate)
    {
        // Flower's minimums of 2 cannot be met by a one-client simulation; default them to what exists.
        int defaultMin = Math.Min(2, s.Clients);
        var options = new ConfigRecord(s.StrategyOptions.Select(p => KeyValuePair.Create(p.Key, ParseConfigValue(p.Value))));
        return StrategyRegistry.Default.Create(s.Strategy, new StrategySettings
        {
            FractionFit = s.FractionFit,
            FractionEvaluate = s.FractionEvaluate,
            MinFitClients = s.MinFitClients ?? defaultMin,
            MinEvaluateClients = s.MinEvaluateClients ?? defaultMin,
            MinAvailableClients = s.MinAvailableClients ?? defaultMin,
            AcceptFailures = s.AcceptFailures,
            InitialParameters = initial,
            Evaluate = evaluate,
            OnFitConfig = round => new ConfigRecord(
            [
                new(TorchClient.RoundKey, round),
                new(TorchClient.LocalEpochsKey, s.LocalEpochs),
                new(TorchClient.BatchSizeKey, s.BatchSize),
                new(TorchClient.LearningRateKey, s.LearningRate),
                new(TorchClient.MomentumKey, s.Momentum),
            ]),
            OnEvaluateConfig = round => new ConfigRecord([new(TorchClient.RoundKey, round)]),
            FitMetricsAggregation = MetricsAggregation.WeightedAverage,
            EvaluateMetricsAggregation = MetricsAggregation.WeightedAverage,
            Options = options,
        });
    }

    internal static ConfigValue ParseConfigValue(string text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer))
        {
            return integer;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
        {
            return real;
        }

        if (bool.TryParse(text, out bool flag))
        {
            return flag;
        }

        return text;
    }
}
