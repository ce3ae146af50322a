using System.CommandLine;
using System.Globalization;
using Confer.Cli.Commands.Simulate;
using Confer.Federation.Strategies;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer simulate</c>: a federated training of virtual clients in this process (Flower's
/// simulation). The defaults are the main job: Fashion-MNIST, OpenFL's tutorial CNN, four
/// collaborators (Portland, Seattle, Chandler, Bangalore) on the strided split, FedAvg, one local
/// epoch of SGD (lr 0.01, momentum 0.5, batch 64) per round, five rounds, centralized evaluation on
/// the 10,000 test images after every round.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>The collaborators of OpenFL's Fashion-MNIST tutorial, used when there are four clients.</summary>
    internal static readonly string[] TutorialNames = ["Portland", "Seattle", "Chandler", "Bangalore"];

    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Number of virtual clients (collaborators).", DefaultValueFactory = _ => 4 };
        var names = new Option<string?>("--names") { Description = "Comma-separated client names (default: Portland,Seattle,Chandler,Bangalore for 4 clients, else 0..N-1)." };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds.", DefaultValueFactory = _ => 5 };
        var strategy = new Option<string>("--strategy") { Description = $"Strategy: {string.Join(", ", StrategyRegistry.Names)}.", DefaultValueFactory = _ => "fedavg" };
        var fractionFit = new Option<double>("--fraction-fit") { Description = "Fraction of clients that train each round.", DefaultValueFactory = _ => 1.0 };
        var fractionEvaluate = new Option<double>("--fraction-evaluate") { Description = "Fraction of clients that evaluate each round, each on the share of its partition it holds out (--holdout); 0: centralized evaluation only.", DefaultValueFactory = _ => 0.0 };
        var holdOut = new Option<double>("--holdout") { Description = "With --fraction-evaluate above 0: the share of each client's partition held out of training to evaluate on.", DefaultValueFactory = _ => 0.1 };
        var minFit = new Option<int?>("--min-fit-clients") { Description = "Fewest clients that train in a round (default: 2, or the client count when fewer)." };
        var minEvaluate = new Option<int?>("--min-evaluate-clients") { Description = "Fewest clients that evaluate in a round (default: 2, or the client count when fewer)." };
        var minAvailable = new Option<int?>("--min-available-clients") { Description = "Fewest clients that must exist to start (default: 2, or the client count when fewer)." };
        var acceptFailures = new Option<bool>("--accept-failures") { Description = "Aggregate rounds in which some clients failed.", DefaultValueFactory = _ => true };
        var strategyOption = new Option<string[]>("--strategy-option")
        {
            Description = "A strategy knob as name=value, repeatable: proximal_mu (fedprox); importance (fedcurv); eta, beta_1, beta_2, tau (fedadam, fedyogi, fedadagrad); server_learning_rate, server_momentum (fedavgm); beta (fedtrimmedavg); num_malicious_clients, num_clients_to_keep (krum).",
            AllowMultipleArgumentsPerToken = true,
        };
        var partition = new Option<string>("--partition") { Description = "How the training data is split: iid, strided, dirichlet:ALPHA, shards:K.", DefaultValueFactory = _ => "strided" };
        var seed = new Option<int>("--seed") { Description = "Seed for the initial model, partitions, shuffling and client sampling.", DefaultValueFactory = _ => 0 };
        var localEpochs = new Option<int>("--local-epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per SGD step.", DefaultValueFactory = _ => 64 };
        var learningRate = new Option<double>("--lr") { Description = "Client SGD learning rate.", DefaultValueFactory = _ => 0.01 };
        var momentum = new Option<double>("--momentum") { Description = "Client SGD momentum.", DefaultValueFactory = _ => 0.5 };
        var maxParallel = new Option<int>("--max-parallel") { Description = "Most clients training at once.", DefaultValueFactory = _ => SimulationRunner.DefaultMaxParallel };
        var torchThreads = new Option<int?>("--torch-threads") { Description = "Torch intra-op threads (default: cores / max-parallel)." };
        var roundTimeout = new Option<double?>("--round-timeout") { Description = "Seconds a round's fit (or evaluate) phase may take; late clients become failures." };
        var output = new Option<string>("--output") { Description = "Folder for history.json, history.png and the final model.", DefaultValueFactory = _ => "simulation" };
        var normalize = new Option<string>("--normalize") { Description = "Input standardisation MEAN,STD applied after scaling pixels to [0, 1] (OpenFL's tutorial uses MNIST's 0.1307,0.3081), or none.", DefaultValueFactory = _ => "0.1307,0.3081" };
        var data = new Option<string?>("--data") { Description = "Folder holding the Fashion-MNIST IDX files (default: $CONFER_DATA or /usr/share/datasets/fashion-mnist)." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use the first N training images only (quick runs)." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on the first N test images only (quick runs)." };
        var app = new Option<string?>("--app") { Description = "Run the ISimulationApp in this assembly (PATH.dll or PATH.dll:TypeName) instead of the built-in Fashion-MNIST example." };
        var set = new Option<string[]>("--set") { Description = "A setting for --app as key=value, repeatable.", AllowMultipleArgumentsPerToken = true };

        var command = new Command("simulate", "Run a federated training of virtual clients in this process (client + strategy, Flower-style).")
        {
            clients, names, rounds, strategy, fractionFit, fractionEvaluate, holdOut, minFit, minEvaluate, minAvailable, acceptFailures, strategyOption,
            partition, seed, localEpochs, batchSize, learningRate, momentum, maxParallel, torchThreads, roundTimeout, output, normalize, data, trainLimit, testLimit, app, set,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            int clientCount = parseResult.GetValue(clients);
            string? nameList = parseResult.GetValue(names);
            IReadOnlyList<string>? clientNames = nameList is not null
                ? nameList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : clientCount == TutorialNames.Length ? TutorialNames : null;
            if (!TryParsePairs(parseResult.GetValue(strategyOption), "--strategy-option", out Dictionary<string, string> strategyOptions)
                || !TryParsePairs(parseResult.GetValue(set), "--set", out Dictionary<string, string> appSettings))
            {
                return 2;
            }

            if (!TryParseNormalize(parseResult.GetValue(normalize)!, out (double Mean, double Std)? normalization))
            {
                return 2;
            }

            var settings = new SimulateSettings
            {
                Clients = clientNames?.Count ?? clientCount,
                Names = clientNames,
                Rounds = parseResult.GetValue(rounds),
                Strategy = parseResult.GetValue(strategy)!,
                FractionFit = parseResult.GetValue(fractionFit),
                FractionEvaluate = parseResult.GetValue(fractionEvaluate),
                HoldOut = parseResult.GetValue(holdOut),
                MinFitClients = parseResult.GetValue(minFit),
                MinEvaluateClients = parseResult.GetValue(minEvaluate),
                MinAvailableClients = parseResult.GetValue(minAvailable),
                AcceptFailures = parseResult.GetValue(acceptFailures),
                StrategyOptions = strategyOptions,
                Partition = parseResult.GetValue(partition)!,
                Seed = parseResult.GetValue(seed),
                LocalEpochs = parseResult.GetValue(localEpochs),
                BatchSize = parseResult.GetValue(batchSize),
                LearningRate = parseResult.GetValue(learningRate),
                Momentum = parseResult.GetValue(momentum),
                MaxParallel = parseResult.GetValue(maxParallel),
                TorchThreads = parseResult.GetValue(torchThreads),
                RoundTimeoutSeconds = parseResult.GetValue(roundTimeout),
                Output = parseResult.GetValue(output)!,
                Data = parseResult.GetValue(data),
                Normalize = normalization,
                TrainLimit = parseResult.GetValue(trainLimit),
                TestLimit = parseResult.GetValue(testLimit),
                App = parseResult.GetValue(app),
                AppSettings = appSettings,
            };
            return await SimulationRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static bool TryParseNormalize(string text, out (double Mean, double Std)? normalization)
    {
        normalization = null;
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double mean)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double std)
            && double.IsFinite(mean) && std > 0 && double.IsFinite(std))
        {
            normalization = (mean, std);
            return true;
        }

        Console.Error.WriteLine($"error: --normalize takes MEAN,STD with STD above 0 (e.g. 0.1307,0.3081) or none, got '{text}'.");
        return false;
    }

    private static bool TryParsePairs(string[]? values, string option, out Dictionary<string, string> pairs)
    {
        pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string value in values ?? [])
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {option} takes name=value, got '{value}'."));
                return false;
            }

            pairs[value[..equals].Trim()] = value[(equals + 1)..].Trim();
        }

        return true;
    }
}
