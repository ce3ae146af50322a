using System.Globalization;
using Confer.Data;
using Confer.Plan;

namespace Confer.Federation.Torch;

/// <summary>
/// The <c>fashion_mnist</c> data loader: a collaborator's part of Fashion-MNIST, chosen by its
/// line in <c>plan/data.yaml</c>. A shard number <c>i</c> takes the examples <c>i, i + n, i + 2n, …</c>
/// of the training and of the test set, <c>n</c> being <c>data_loader.settings.collaborator_count</c>
/// (OpenFL's tutorial: <c>X[shard::collaborator_count]</c>), from the folder Confer.Data finds
/// (<c>$CONFER_DATA</c>, then /usr/share/datasets/fashion-mnist). A folder (relative to the
/// workspace) holds this collaborator's own IDX files, used whole.
/// </summary>
/// <remarks>
/// Shards go from 0 to <c>collaborator_count</c>: OpenFL numbers them from 1 (<c>collaborator1,1</c>),
/// and its <c>X[n::n]</c> is <c>X[0::n]</c> without the first example, so shards 1..n split the
/// data like 0..n-1. Settings (absent by default, so a plan without them keeps its hash):
/// <c>max_train_examples</c> and <c>max_test_examples</c> keep only the first examples of the
/// part (small runs and tests); <c>seed</c> (absent: 0) seeds the training shuffle order,
/// with the shard and the round.
/// </remarks>
public static class FashionMnistDataLoader
{
    /// <summary>The plan name: <c>fashion_mnist</c>.</summary>
    public const string Name = "fashion_mnist";

    /// <summary>The setting capping the training examples.</summary>
    public const string MaxTrainExamplesKey = "max_train_examples";

    /// <summary>The setting capping the test examples.</summary>
    public const string MaxTestExamplesKey = "max_test_examples";

    /// <summary>The setting seeding the shuffle order.</summary>
    public const string SeedKey = "seed";

    /// <summary>The settings beyond <c>batch_size</c> and <c>collaborator_count</c>.</summary>
    public static SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.Integer(MaxTrainExamplesKey, null, 1, int.MaxValue, "Keep at most this many training examples of the collaborator's part (absent: all).", optional: true),
        SettingDefinition.Integer(MaxTestExamplesKey, null, 1, int.MaxValue, "Keep at most this many test examples of the collaborator's part (absent: all).", optional: true),
        SettingDefinition.Integer(SeedKey, null, 0, int.MaxValue, "Seed of the training shuffle order, with the shard and the round (absent: 0).", optional: true),
    ]);

    /// <summary>One line of documentation.</summary>
    public const string Description = "Fashion-MNIST IDX files: shard i of collaborator_count (X[i::n], as OpenFL's tutorial) of the system copy, or a folder.";

    /// <summary>Loads <paramref name="collaborator"/>'s part.</summary>
    /// <param name="plan">The plan: <c>data_loader</c> settings and the workspace folder.</param>
    /// <param name="collaborator">The collaborator's name, for messages.</param>
    /// <param name="data">Its line of <c>plan/data.yaml</c>.</param>
    /// <returns>Its training and test examples.</returns>
    /// <exception cref="InvalidOperationException">No line for the collaborator, no <c>collaborator_count</c> for a shard, a shard out of range, or an empty part.</exception>
    /// <exception cref="DatasetNotFoundException">The files are not where the line says.</exception>
    public static FashionMnistPart Load(FederationPlan plan, string collaborator, CollaboratorData? data)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(collaborator);
        if (data is null)
        {
            throw new InvalidOperationException(
                $"Collaborator '{collaborator}' has no line in plan/data.yaml, so the {Name} data loader does not know its data. "
                + $"Add '{collaborator},1' (a shard number) or '{collaborator},PATH' (a folder with the Fashion-MNIST IDX files), e.g. with 'confer collaborator generate-cert-request -n {collaborator} --data-path VALUE'.");
        }

        PlanSettings settings = plan.DataLoader.Settings;
        int? maxTrain = settings.TryGetValue(MaxTrainExamplesKey, out PlanValue? t) ? (int)t.AsInteger() : null;
        int? maxTest = settings.TryGetValue(MaxTestExamplesKey, out PlanValue? v) ? (int)v.AsInteger() : null;
        int seed = settings.TryGetValue(SeedKey, out PlanValue? s) ? (int)s.AsInteger() : 0;

        ImageDataset train;
        ImageDataset test;
        string source;
        if (data.Shard is int shard)
        {
            int count = plan.DataLoader.CollaboratorCount ?? throw new InvalidOperationException(
                $"Collaborator '{collaborator}' has shard {shard} in plan/data.yaml, but the plan sets no data_loader.settings.collaborator_count to split the data into. Set it to the number of collaborators.");
            if (shard > count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Collaborator '{collaborator}' has shard {shard} in plan/data.yaml, but data_loader.settings.collaborator_count is {count}: a shard goes from 0 to {count}. Fix the line in plan/data.yaml or the count."));
            }

            string folder = FashionMnist.FindDirectory();
            train = Shard(FashionMnist.LoadTrain(folder), shard, count, maxTrain);
            test = Shard(FashionMnist.LoadTest(folder), shard, count, maxTest);
            source = string.Create(CultureInfo.InvariantCulture, $"shard {shard} of {count} of {folder}");
        }
        else
        {
            string folder = Path.GetFullPath(data.Value, plan.WorkspaceDirectory);
            if (!FashionMnist.TryFindDirectory(folder, out string? found)
                || !(PathsEqual(found, folder) || PathsEqual(found, Path.Combine(folder, FashionMnist.FolderName))))
            {
                throw new DatasetNotFoundException(
                    $"Collaborator '{collaborator}' has the data folder '{data.Value}' in plan/data.yaml, but '{folder}' (nor its '{FashionMnist.FolderName}' sub-folder) does not hold the four Fashion-MNIST IDX files "
                    + "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz). Put them there, or give a shard number instead.");
            }

            train = Cap(FashionMnist.LoadTrain(found), maxTrain);
            test = Cap(FashionMnist.LoadTest(found), maxTest);
            source = found;
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Collaborator '{collaborator}' gets {train.Count} training and {test.Count} test examples from {source}: it needs some of both. Check its line in plan/data.yaml and data_loader.settings."));
        }

        return new FashionMnistPart(train, test, data.Shard, seed, source);
    }

    private static ImageDataset Shard(ImageDataset dataset, int shard, int count, int? max)
    {
        int available = shard >= dataset.Count ? 0 : ((dataset.Count - shard - 1) / count) + 1;
        int size = Math.Min(available, max ?? int.MaxValue);
        var indices = new int[size];
        for (int i = 0; i < size; i++)
        {
            indices[i] = shard + (i * count);
        }

        return dataset.Subset(indices, string.Create(CultureInfo.InvariantCulture, $"{dataset.Name}[{shard}::{count}][:{size}]"));
    }

    private static ImageDataset Cap(ImageDataset dataset, int? max) => max is int m && m < dataset.Count ? dataset.Take(m) : dataset;

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
