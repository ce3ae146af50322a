using System.CommandLine;
using System.Diagnostics;
using Confer.Data;
using Confer.Torch;
using Spectre.Console;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer train</c>: the centralized baseline. One site holds all of Fashion-MNIST and trains
/// the OpenFL tutorial CNN; test accuracy is printed after every epoch. Federated runs are
/// measured against this curve.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 5 };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per SGD step.", DefaultValueFactory = _ => 64 };
        var learningRate = new Option<double>("--lr") { Description = "SGD learning rate.", DefaultValueFactory = _ => 0.01 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the initial weights and the shuffling.", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = $"Folder holding the Fashion-MNIST IDX files (default: ${FashionMnist.EnvironmentVariable} or {FashionMnist.SystemDirectory})." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on the first N training images only (quick runs)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on the first N test images only (quick runs)." };

        var command = new Command("train", "Train the OpenFL tutorial CNN on Fashion-MNIST in one process (the centralized baseline).")
        {
            epochs, batchSize, learningRate, momentum, seed, data, trainLimit, testLimit,
        };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(
            new TrainSettings(
                parseResult.GetValue(epochs),
                parseResult.GetValue(batchSize),
                parseResult.GetValue(learningRate),
                parseResult.GetValue(momentum),
                parseResult.GetValue(seed),
                parseResult.GetValue(data),
                parseResult.GetValue(trainLimit),
                parseResult.GetValue(testLimit)),
            cancellationToken)));
        return command;
    }

    private static int Run(TrainSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Epochs < 1 || settings.BatchSize < 1 || !(settings.LearningRate > 0))
        {
            AnsiConsole.MarkupLine("[red]error:[/] --epochs and --batch-size must be at least 1 and --lr above 0.");
            return 2;
        }

        ImageDataset train;
        ImageDataset test;
        try
        {
            train = FashionMnist.LoadTrain(settings.Data);
            test = FashionMnist.LoadTest(settings.Data);
        }
        catch (Exception ex) when (ex is DatasetNotFoundException or IdxFormatException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 1;
        }

        if (settings.TrainLimit is int n)
        {
            train = train.Take(n);
        }

        if (settings.TestLimit is int m)
        {
            test = test.Take(m);
        }

        using OpenFlCnn model = OpenFlCnn.Create(settings.Seed);
        using var optimizer = new SgdOptimizer(model, settings.LearningRate, settings.Momentum);
        var options = new TrainOptions { BatchSize = settings.BatchSize, Seed = settings.Seed };

        AnsiConsole.MarkupLineInterpolated(
            $"Centralized baseline: OpenFL CNN on {train.Count:N0} training and {test.Count:N0} test images, {settings.Epochs} epochs, SGD lr {settings.LearningRate} momentum {settings.Momentum} batch {settings.BatchSize}, {TorchRuntime.Threads} threads.");

        var table = new Table().AddColumns("epoch", "train loss", "train acc", "test loss", "test acc", "seconds");
        var total = Stopwatch.StartNew();
        bool interactive = AnsiConsole.Profile.Capabilities.Interactive;
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            TrainResult trained = interactive
                ? TrainWithProgressBar(model, optimizer, train, epoch, settings.Epochs, options, cancellationToken)
                : Trainer.TrainEpoch(model, optimizer, train, epoch, options, cancellationToken: cancellationToken);
            EvaluateResult evaluated = Trainer.Evaluate(model, test, cancellationToken: cancellationToken);
            if (trained.NonFiniteLossCount > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] epoch {epoch} produced {trained.NonFiniteLossCount} non-finite losses; see docs/torch.md.");
                return 1;
            }

            table.AddRow(
                epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                trained.Loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                trained.Accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                evaluated.Loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                evaluated.Accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                trained.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"epoch {epoch}/{settings.Epochs}: train loss {trained.Loss:F4}, test loss {evaluated.Loss:F4}, test accuracy {evaluated.Accuracy:F4} ({trained.Elapsed.TotalSeconds:F1} s)"));
        }

        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"done in {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static TrainResult TrainWithProgressBar(
        OpenFlCnn model, SgdOptimizer optimizer, ImageDataset train, int epoch, int epochs, TrainOptions options, CancellationToken cancellationToken)
    {
        TrainResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask($"epoch {epoch}/{epochs}");
                var progress = new SynchronousProgress<TrainProgress>(p =>
                {
                    task.MaxValue = p.BatchCount;
                    task.Value = p.BatchesDone;
                    task.Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs} loss {p.RunningLoss:F3}");
                });
                result = Trainer.TrainEpoch(model, optimizer, train, epoch, options, progress: progress, cancellationToken: cancellationToken);
            });
        return result!;
    }

    private sealed record TrainSettings(
        int Epochs, int BatchSize, double LearningRate, double Momentum, int Seed, string? Data, int? TrainLimit, int? TestLimit);
}
