using System.Globalization;
using Confer.Workflow;

namespace Confer.Examples;

/// <summary>The examples' command line: --backend, --checkpoint, --rounds, --max-batches, --store, --data.</summary>
internal sealed record ExampleOptions(LocalRuntimeBackend Backend, bool Checkpoint, int Rounds, int? MaxBatches, string? Store, string? Data)
{
    public static ExampleOptions Parse(string[] args, int defaultRounds)
    {
        var backend = LocalRuntimeBackend.Sequential;
        bool checkpoint = false;
        int rounds = defaultRounds;
        int? maxBatches = null;
        string? store = null;
        string? data = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--backend":
                    backend = Value() switch
                    {
                        "sequential" or "single_process" => LocalRuntimeBackend.Sequential,
                        "parallel" => LocalRuntimeBackend.Parallel,
                        var other => throw new ArgumentException($"Unknown backend '{other}'; use sequential or parallel."),
                    };
                    break;
                case "--checkpoint":
                    checkpoint = true;
                    break;
                case "--rounds":
                    rounds = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--max-batches":
                    maxBatches = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--store":
                    store = Value();
                    break;
                case "--data":
                    data = Value();
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown option '{args[i]}'. Options: --backend sequential|parallel, --checkpoint, --rounds N, --max-batches N (per epoch, for quick runs), --store DIR, --data DIR (Fashion-MNIST IDX files).");
            }
        }

        return new ExampleOptions(backend, checkpoint, rounds, maxBatches, store, data);
    }
}
