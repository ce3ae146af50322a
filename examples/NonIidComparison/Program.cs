using System.Globalization;
using Confer.Core;
using Confer.Data;
using Confer.Examples;
using Confer.Federation;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Federation.Torch;
using Confer.Torch;

// Label skew hurts FedAvg; FedProx (a proximal term on the clients) and FedAdam (an adaptive
// server step) are two answers. Same data, same initial model, same client training; only the
// strategy differs. Writes noniid-comparison.png and one history JSON per strategy.
// --max-examples N keeps each client's first N training images and --max-test-examples N the
// first N test images of the centralized evaluation, for quick runs.
//
//   dotnet run --project examples/NonIidComparison -c Release [-- --rounds 5 --output DIR] [--max-examples N] [--max-test-examples N]
const string Usage = "Options: --rounds N (default 5), --output DIR (default noniid-comparison), --max-examples N (training images per client), --max-test-examples N (test images).";
int rounds = 5;
string output = "noniid-comparison";
int? maxExamples = null;
int? maxTestExamples = null;
var commandLine = new CommandLine(args, Usage);
while (commandLine.Next(out string option))
{
    switch (option)
    {
        case "--rounds":
            rounds = commandLine.Count();
            break;
        case "--output":
            output = commandLine.Value();
            break;
        case "--max-examples":
            maxExamples = commandLine.Count();
            break;
        case "--max-test-examples":
            maxTestExamples = commandLine.Count();
            break;
        default:
            commandLine.Unknown();
            break;
    }
}

const int Clients = 4;
const int Seed = 0;
ImageDataset train = FashionMnist.LoadTrain();
ImageDataset test = maxTestExamples is int maxTest ? FashionMnist.LoadTest().Take(maxTest) : FashionMnist.LoadTest();
IReadOnlyList<int[]> partitions = [.. PartitionSpec.Parse("dirichlet:0.5").Apply(train.Labels, Clients, Seed)
    .Select(p => maxExamples is int max && max < p.Length ? p[..max] : p)];
Console.WriteLine($"Dirichlet(0.5) over {Clients} clients: {string.Join(", ", partitions.Select(p => p.Length))} training images.");
if (maxTestExamples is not null)
{
    Console.WriteLine($"Centralized evaluation on the first {test.Count} test images.");
}

for (int c = 0; c < Clients; c++)
{
    int[] perClass = new int[FashionMnist.ClassCount];
    foreach (int index in partitions[c])
    {
        perClass[train.Label(index)]++;
    }

    Console.WriteLine($"  client {c}: per class {string.Join(" ", perClass.Select(n => n.ToString(CultureInfo.InvariantCulture).PadLeft(5)))}");
}

static ClassifierNetwork CreateNetwork() =>
    new NormalizedClassifier(OpenFlCnn.Create(Seed), NormalizedClassifier.TutorialMean, NormalizedClassifier.TutorialStd);

ModelState initial;
using (ClassifierNetwork net = CreateNetwork())
{
    initial = net.GetModelState();
}

ClientFactory clients = ImageFederation.CreateClientFactory(CreateNetwork, train, partitions, new TorchClientOptions { Seed = Seed });
using var evaluator = new CentralizedEvaluator(CreateNetwork(), test);
var settings = new StrategySettings
{
    FractionEvaluate = 0,
    MinFitClients = Clients,
    MinAvailableClients = Clients,
    InitialParameters = initial,
    Evaluate = evaluator.Function,
    OnFitConfig = round => new ConfigRecord([new(TorchClient.RoundKey, round)]),
};

// FedAdam's server step moves every weight by about eta per round at first (Adam normalises the
// step), so eta must be of the order of one round's FedAvg change; 0.01 with tau 1e-3 is the
// range Reddi et al. report for image models.
(string Label, IStrategy Strategy)[] runs =
[
    ("FedAvg", StrategyRegistry.Default.Create("fedavg", settings)),
    ("FedProx (mu 0.1)", StrategyRegistry.Default.Create("fedprox", settings with { Options = new ConfigRecord([new("proximal_mu", 0.1)]) })),
    ("FedAdam (eta 0.01)", StrategyRegistry.Default.Create("fedadam", settings with { Options = new ConfigRecord([new("eta", 0.01), new("tau", 1e-3)]) })),
];

Directory.CreateDirectory(output);
var plot = new ScottPlot.Plot();
foreach ((string label, IStrategy strategy) in runs)
{
    History history = await Simulation.RunAsync(clients, strategy, new SimulationOptions { ClientCount = Clients, Rounds = rounds, Seed = Seed, MaxParallelClients = 1 }).ConfigureAwait(false);
    IReadOnlyList<(int Round, double Value)> accuracy = history.MetricsCentralized["accuracy"];
    Console.WriteLine($"{label,-20} {string.Join("  ", accuracy.Select(p => string.Create(CultureInfo.InvariantCulture, $"r{p.Round} {p.Value:F4}")))}");
    using (FileStream file = File.Create(Path.Combine(output, $"history-{strategy.Name.ToLowerInvariant()}.json")))
    {
        history.WriteJson(file);
    }

    var line = plot.Add.Scatter(accuracy.Select(p => (double)p.Round).ToArray(), accuracy.Select(p => p.Value).ToArray());
    line.LegendText = label;
}

plot.Title($"Fashion-MNIST, Dirichlet(0.5) over {Clients} clients");
plot.XLabel("round");
plot.YLabel("centralized test accuracy");
plot.ShowLegend();
string png = Path.Combine(output, "noniid-comparison.png");
plot.SavePng(png, 900, 540);
Console.WriteLine($"Wrote {Path.GetFullPath(png)}.");
