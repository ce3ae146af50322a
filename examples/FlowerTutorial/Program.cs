using System.Globalization;
using Confer.Data;
using Confer.Examples;
using Confer.Federation;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Federation.Torch;
using Confer.Torch;
using FlowerTutorial;

// Flower's tutorial, step by step, on Fashion-MNIST (CIFAR-10 is not installed here). Bring
// CIFAR-10 as IDX files (train-images-idx4-ubyte[.gz] of shape N×3×32×32 and
// train-labels-idx1-ubyte[.gz]) with --cifar10 DIR to train the tutorial's own CNN on it.
// --max-examples N keeps each client's first N images (before its train/validation split), for
// quick runs.
//
//   dotnet run --project examples/FlowerTutorial -c Release [-- --rounds 5] [--cifar10 DIR] [--max-examples N]
const string Usage = "Options: --rounds N (default 5), --cifar10 DIR (CIFAR-10 IDX files), --max-examples N (images per client, for quick runs).";
const int NumClients = 10;
int rounds = 5;
string? cifar10 = null;
int? maxExamples = null;
var commandLine = new CommandLine(args, Usage);
while (commandLine.Next(out string option))
{
    switch (option)
    {
        case "--rounds":
            rounds = commandLine.Count();
            break;
        case "--cifar10":
            cifar10 = commandLine.Value();
            break;
        case "--max-examples":
            maxExamples = commandLine.Count();
            break;
        default:
            commandLine.Unknown();
            break;
    }
}

// 1. Data: one partition per client, each split 90% train / 10% validation, as load_datasets does.
ImageDataset data;
Func<ClassifierNetwork> createNetwork;
if (cifar10 is null)
{
    data = FashionMnist.LoadTrain();
    createNetwork = () => new NormalizedClassifier(OpenFlCnn.Create(0), NormalizedClassifier.TutorialMean, NormalizedClassifier.TutorialStd);
}
else
{
    data = IdxReader.ReadImageDataset(
        Path.Combine(cifar10, "train-images-idx4-ubyte"),
        Path.Combine(cifar10, "train-labels-idx1-ubyte"),
        "cifar-10/train",
        classCount: 10);
    createNetwork = () => new NormalizedClassifier(FlowerCnn.Create(0), 0.5, 0.5);
}

IReadOnlyList<int[]> partitions = [.. PartitionSpec.Iid.Apply(data.Labels, NumClients, seed: 42)
    .Select(p => maxExamples is int max && max < p.Length ? p[..max] : p)];

// 2. client_fn: the engine creates a client when it needs one and releases it afterwards.
ClientFactory clientFn = context =>
{
    int[] partition = partitions[context.PartitionId];
    int validationSize = partition.Length / 10;
    return new FlowerClient(createNetwork, data, partition[validationSize..], partition[..validationSize], seed: context.PartitionId);
};

// 3. The strategy, with the tutorial's knobs; weighted_average aggregates the clients' accuracy.
var strategy = new FedAvg
{
    FractionFit = 1.0,
    FractionEvaluate = 0.5,
    MinFitClients = 10,
    MinEvaluateClients = 5,
    MinAvailableClients = 10,
    EvaluateMetricsAggregation = MetricsAggregation.WeightedAverage,
    OnFitConfig = round => new ConfigRecord([new("server_round", round)]),
};

// 4. run_simulation.
Console.WriteLine($"{NumClients} clients, {rounds} rounds, {data.Name}: {data.Count:N0} images.");
if (maxExamples is not null)
{
    Console.WriteLine($"At most {maxExamples:N0} images per client: {partitions.Sum(p => p.Length):N0} in all.");
}

History history = await Simulation.RunAsync(
    clientFn,
    strategy,
    new SimulationOptions
    {
        ClientCount = NumClients,
        Rounds = rounds,
        MaxParallelClients = 1,
        Progress = new RoundPrinter(),
    }).ConfigureAwait(false);

Console.WriteLine("History (loss, distributed):");
foreach ((int round, double loss) in history.LossesDistributed)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\tround {round}: {loss:F4}"));
}

Console.WriteLine("History (metrics, distributed, evaluate):");
foreach ((string name, IReadOnlyList<(int Round, double Value)> series) in history.MetricsDistributed)
{
    Console.WriteLine($"{name}: [{string.Join(", ", series.Select(p => string.Create(CultureInfo.InvariantCulture, $"({p.Round}, {p.Value:F4})")))}]");
}
