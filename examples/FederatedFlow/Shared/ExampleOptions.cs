using Confer.Workflow;

namespace Confer.Examples;

/// <summary>The examples' command line: --backend, --checkpoint, --rounds, --max-batches, --max-examples, --store, --data.</summary>
internal sealed record ExampleOptions(LocalRuntimeBackend Backend, bool Checkpoint, int Rounds, int? MaxBatches, int? MaxExamples, string? Store, string? Data)
{
    private const string Usage =
        "Options: --backend sequential|parallel, --checkpoint, --rounds N, --max-batches N (per epoch, for quick runs), "
        + "--max-examples N (images in each participant's data set, for quick runs), --store DIR, --data DIR (Fashion-MNIST IDX files).";

    public static ExampleOptions Parse(string[] args, int defaultRounds)
    {
        var backend = LocalRuntimeBackend.Sequential;
        bool checkpoint = false;
        int rounds = defaultRounds;
        int? maxBatches = null;
        int? maxExamples = null;
        string? store = null;
        string? data = null;
        var line = new CommandLine(args, Usage);
        while (line.Next(out string option))
        {
            switch (option)
            {
                case "--backend":
                    backend = line.Value() switch
                    {
                        "sequential" or "single_process" => LocalRuntimeBackend.Sequential,
                        "parallel" => LocalRuntimeBackend.Parallel,
                        var other => line.Fail<LocalRuntimeBackend>($"Unknown backend '{other}'; use sequential or parallel."),
                    };
                    break;
                case "--checkpoint":
                    checkpoint = true;
                    break;
                case "--rounds":
                    rounds = line.Count();
                    break;
                case "--max-batches":
                    maxBatches = line.Count();
                    break;
                case "--max-examples":
                    maxExamples = line.Count();
                    break;
                case "--store":
                    store = line.Value();
                    break;
                case "--data":
                    data = line.Value();
                    break;
                default:
                    line.Unknown();
                    break;
            }
        }

        return new ExampleOptions(backend, checkpoint, rounds, maxBatches, maxExamples, store, data);
    }

    /// <summary>The first <see cref="MaxExamples"/> of <paramref name="indices"/>, or all of them without a cap.</summary>
    public int[] Limit(int[] indices) => MaxExamples is int max && max < indices.Length ? indices[..max] : indices;
}
