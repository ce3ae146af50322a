using System.Reflection;
using System.Runtime.Loader;
using Confer.Core;
using Confer.Data;
using Confer.Federation;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;
using Confer.Federation.Torch;
using Confer.Torch;

namespace Confer.Cli.Commands.Simulate;

/// <summary>What a simulation runs: the client factory, the strategy and what to dispose afterwards.</summary>
internal sealed class SimulationSetup : IDisposable
{
    private readonly IDisposable? _owned;

    private SimulationSetup(ClientFactory clientFactory, IStrategy strategy, string description, IDisposable? owned)
    {
        ClientFactory = clientFactory;
        Strategy = strategy;
        Description = description;
        _owned = owned;
    }

    public ClientFactory ClientFactory { get; }

    public IStrategy Strategy { get; }

    public string Description { get; }

    /// <summary>The built-in example: Fashion-MNIST, OpenFL's CNN, partitioned training data, centralized evaluation on the test images.</summary>
    public static SimulationSetup FashionMnist(SimulateSettings s)
    {
        ImageDataset train = Confer.Data.FashionMnist.LoadTrain(s.Data);
        ImageDataset test = Confer.Data.FashionMnist.LoadTest(s.Data);
        if (s.TrainLimit is int n)
        {
            train = train.Take(n);
        }

        if (s.TestLimit is int m)
        {
            test = test.Take(m);
        }

        PartitionSpec spec = PartitionSpec.Parse(s.Partition);
        IReadOnlyList<int[]> partitions = spec.Apply(train.Labels, s.Clients, s.Seed);

        // Distributed evaluation runs on each client's held-out share of its own partition (Flower's
        // tutorials split each partition into train and validation); without it, clients train on all of it.
        IReadOnlyList<int[]>? heldOut = null;
        if (s.FractionEvaluate > 0)
        {
            (partitions, heldOut) = HoldOut(partitions, s.HoldOut, s.Seed);
        }

        long seed = s.Seed;
        Func<ClassifierNetwork> createNetwork = s.Normalize is { } normalization
            ? () => new NormalizedClassifier(OpenFlCnn.Create(seed), normalization.Mean, normalization.Std)
            : () => OpenFlCnn.Create(seed);
        ClientFactory factory = ImageFederation.CreateClientFactory(
            createNetwork,
            train,
            partitions,
            new TorchClientOptions { LocalEpochs = s.LocalEpochs, BatchSize = s.BatchSize, LearningRate = s.LearningRate, Momentum = s.Momentum, Seed = s.Seed },
            heldOut is null ? null : train,
            heldOut);
        ModelState initial;
        using (ClassifierNetwork model = createNetwork())
        {
            initial = model.GetModelState();

            // FedCurv's collaborators send their Fisher terms in the model, so it starts with zero ones.
            if (StrategyRegistry.Default.TryGet(s.Strategy, out StrategyRegistration? registration) && registration.Name == FedCurv.StrategyName)
            {
                initial = TorchClient.WithFedCurvTensors(initial, model);
            }
        }

        var evaluator = new CentralizedEvaluator(createNetwork(), test);
        IStrategy strategy = SimulationRunner.CreateStrategy(s, initial, evaluator.Function);
        string sizes = string.Join(", ", partitions.Select(p => p.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        string description = $"Fashion-MNIST, OpenFL CNN: {s.Clients} clients on a {spec} split of {train.Count:N0} training images ({sizes}); centralized evaluation on {test.Count:N0} test images{(heldOut is null ? string.Empty : $", distributed evaluation on {s.HoldOut:P0} of each partition held out")}; inputs {(s.Normalize is { } norm ? $"standardised with mean {norm.Mean} and std {norm.Std}" : "scaled to [0, 1]")}; {s.LocalEpochs} local epoch(s) of SGD lr {s.LearningRate} momentum {s.Momentum} batch {s.BatchSize}.";
        return new SimulationSetup(factory, strategy, description, evaluator);
    }

    /// <summary>Splits each partition into what a client trains on and the share it holds out, chosen with the seed.</summary>
    internal static (IReadOnlyList<int[]> Train, IReadOnlyList<int[]> HeldOut) HoldOut(IReadOnlyList<int[]> partitions, double share, int seed)
    {
        var train = new int[partitions.Count][];
        var heldOut = new int[partitions.Count][];
        for (int i = 0; i < partitions.Count; i++)
        {
            int[] shuffled = (int[])partitions[i].Clone();
            new Random(unchecked((seed * 31) + i)).Shuffle(shuffled);
            int held = Math.Clamp((int)Math.Round(shuffled.Length * share), shuffled.Length > 1 ? 1 : 0, Math.Max(0, shuffled.Length - 1));
            heldOut[i] = [.. shuffled.Take(held).Order()];
            train[i] = [.. shuffled.Skip(held).Order()];
        }

        return (train, heldOut);
    }

    /// <summary>A client + strategy from an assembly: <c>PATH.dll</c> or <c>PATH.dll:TypeName</c>.</summary>
    public static SimulationSetup FromApp(SimulateSettings s)
    {
        string spec = s.App!;
        int colon = spec.LastIndexOf(':');
        string path = colon > 1 ? spec[..colon] : spec;
        string? typeName = colon > 1 ? spec[(colon + 1)..] : null;
        if (!File.Exists(path))
        {
            throw new SimulationAppException($"No assembly at '{Path.GetFullPath(path)}'; --app takes the path of a built .dll, optionally followed by :TypeName.");
        }

        Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
        Type[] candidates = assembly.GetExportedTypes()
            .Where(t => typeof(ISimulationApp).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Where(t => typeName is null || string.Equals(t.FullName, typeName, StringComparison.Ordinal) || string.Equals(t.Name, typeName, StringComparison.Ordinal))
            .ToArray();
        if (candidates.Length != 1)
        {
            throw new SimulationAppException(candidates.Length == 0
                ? $"{Path.GetFileName(path)} has no public ISimulationApp{(typeName is null ? string.Empty : $" named {typeName}")}."
                : $"{Path.GetFileName(path)} has several ISimulationApp types ({string.Join(", ", candidates.Select(c => c.FullName))}); name one with {path}:TypeName.");
        }

        var app = (ISimulationApp)(Activator.CreateInstance(candidates[0])
            ?? throw new SimulationAppException($"{candidates[0].FullName} could not be created; it needs a public parameterless constructor."));
        var context = new SimulationAppContext(s.Clients, s.Rounds, s.Seed, new ConfigRecord(s.AppSettings.Select(p => KeyValuePair.Create(p.Key, SimulationRunner.ParseConfigValue(p.Value)))));
        IStrategy strategy = app.CreateStrategy(context) ?? SimulationRunner.CreateStrategy(s, null, null);
        return new SimulationSetup(app.CreateClientFactory(context), strategy, $"{candidates[0].FullName} from {Path.GetFileName(path)}: {s.Clients} clients.", app as IDisposable);
    }

    public void Dispose() => _owned?.Dispose();
}
