using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Confer.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28×28 grey-scale images of clothing in 10
/// classes, 60,000 for training and 10,000 for testing, read from the four IDX files
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>
/// and <c>t10k-labels-idx1-ubyte</c>, each gzip-compressed (<c>.gz</c>) or raw.
/// </summary>
/// <remarks>
/// The folder is searched in this order, and the first one holding the files is used:
/// <list type="number">
/// <item>the configured folder passed to a method, then its <c>fashion-mnist</c> sub-folder;</item>
/// <item>the folder named by the <c>CONFER_DATA</c> environment variable: first
/// <c>$CONFER_DATA/fashion-mnist</c> (CONFER_DATA as a data root holding several data sets, laid
/// out like <c>/usr/share/datasets</c>), then <c>$CONFER_DATA</c> itself (CONFER_DATA naming the
/// Fashion-MNIST folder directly);</item>
/// <item><c>/usr/share/datasets/fashion-mnist</c>, where the Debian package
/// <c>dataset-fashion-mnist</c> installs the files.</item>
/// </list>
/// When none holds them, a <see cref="DatasetNotFoundException"/> lists every place searched.
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable naming a data root (or the Fashion-MNIST folder itself).</summary>
    public const string EnvironmentVariable = "CONFER_DATA";

    /// <summary>The name of the Fashion-MNIST folder under a data root.</summary>
    public const string FolderName = "fashion-mnist";

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Rows and columns of every image.</summary>
    public const int ImageSide = 28;

    /// <summary>The number of training images.</summary>
    public const int TrainCount = 60_000;

    /// <summary>The number of test images.</summary>
    public const int TestCount = 10_000;

    private static readonly string[] Names =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>The classes' names, indexed by label: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(Names);

    /// <summary>Loads the 60,000 training images.</summary>
    /// <param name="directory">A configured folder to search first; <see langword="null"/> (the default) to search only <c>CONFER_DATA</c> and the system folder.</param>
    /// <returns>The data set <c>fashion-mnist/train</c>: 1×28×28 images, 10 named classes.</returns>
    /// <exception cref="DatasetNotFoundException">No searched folder holds the files.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, or the image and label counts differ.</exception>
    public static ImageDataset LoadTrain(string? directory = null) => Load("train", directory, Environment.GetEnvironmentVariable, SystemDirectory);

    /// <summary>Loads the 10,000 test images.</summary>
    /// <param name="directory">A configured folder to search first; <see langword="null"/> (the default) to search only <c>CONFER_DATA</c> and the system folder.</param>
    /// <returns>The data set <c>fashion-mnist/test</c>: 1×28×28 images, 10 named classes.</returns>
    /// <exception cref="DatasetNotFoundException">No searched folder holds the files.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, or the image and label counts differ.</exception>
    public static ImageDataset LoadTest(string? directory = null) => Load("test", directory, Environment.GetEnvironmentVariable, SystemDirectory);

    /// <summary>Finds the folder holding all four Fashion-MNIST files.</summary>
    /// <param name="directory">A configured folder to search first, or <see langword="null"/>.</param>
    /// <returns>The first folder, in search order, that holds the files.</returns>
    /// <exception cref="DatasetNotFoundException">No searched folder holds the files; the message lists them and how to install the data.</exception>
    public static string FindDirectory(string? directory = null) => FindDirectory(directory, Environment.GetEnvironmentVariable, SystemDirectory);

    /// <summary>Finds the folder holding all four Fashion-MNIST files, without throwing.</summary>
    /// <param name="directory">A configured folder to search first, or <see langword="null"/>.</param>
    /// <param name="found">The first folder, in search order, that holds the files; <see langword="null"/> when none does.</param>
    /// <returns>Whether a folder was found.</returns>
    public static bool TryFindDirectory(string? directory, [NotNullWhen(true)] out string? found)
    {
        found = Search(directory, Environment.GetEnvironmentVariable, SystemDirectory, Splits, out _);
        return found is not null;
    }

    private static readonly string[] Splits = ["train", "test"];

    internal static string FindDirectory(string? directory, Func<string, string?> environment, string systemDirectory) =>
        Search(directory, environment, systemDirectory, Splits, out var searched) ?? throw NotFound(searched);

    internal static ImageDataset Load(string split, string? directory, Func<string, string?> environment, string systemDirectory)
    {
        string folder = Search(directory, environment, systemDirectory, [split], out var searched) ?? throw NotFound(searched);
        string prefix = Prefix(split);
        string images = Resolve(folder, $"{prefix}-images-idx3-ubyte")!;
        string labels = Resolve(folder, $"{prefix}-labels-idx1-ubyte")!;
        ImageDataset dataset = IdxReader.ReadImageDataset(images, labels, $"{FolderName}/{split}", ClassCount);
        if (dataset.Channels != 1 || dataset.Height != ImageSide || dataset.Width != ImageSide)
        {
            throw new IdxFormatException(
                $"'{images}' holds images of {dataset.Channels}×{dataset.Height}×{dataset.Width}, but Fashion-MNIST images are 1×{ImageSide}×{ImageSide}. The folder '{folder}' holds another data set.");
        }

        return dataset.WithClassNames(Names);
    }

    /// <summary>The folders searched, in order, each with a label saying why it is searched.</summary>
    internal static List<(string Directory, string Origin)> Candidates(string? directory, Func<string, string?> environment, string systemDirectory)
    {
        var candidates = new List<(string, string)>();
        if (!string.IsNullOrWhiteSpace(directory))
        {
            candidates.Add((directory, "configured folder"));
            candidates.Add((Path.Combine(directory, FolderName), "configured folder"));
        }

        string? root = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(root))
        {
            candidates.Add((Path.Combine(root, FolderName), $"${EnvironmentVariable}/{FolderName}"));
            candidates.Add((root, $"${EnvironmentVariable}"));
        }

        candidates.Add((systemDirectory, "system folder of the Debian package dataset-fashion-mnist"));
        return candidates;
    }

    private static string? Search(string? directory, Func<string, string?> environment, string systemDirectory, string[] splits, out List<(string Directory, string Why)> searched)
    {
        searched = [];
        foreach ((string candidate, string origin) in Candidates(directory, environment, systemDirectory))
        {
            string? problem = Problem(candidate, splits);
            if (problem is null)
            {
                return candidate;
            }

            searched.Add((candidate, $"{origin}: {problem}"));
        }

        return null;
    }

    private static string? Problem(string directory, string[] splits)
    {
        if (!Directory.Exists(directory))
        {
            return "no such folder";
        }

        var missing = new List<string>();
        foreach (string split in splits)
        {
            foreach (string kind in (string[])["images-idx3-ubyte", "labels-idx1-ubyte"])
            {
                string name = $"{Prefix(split)}-{kind}";
                if (Resolve(directory, name) is null)
                {
                    missing.Add($"{name}.gz");
                }
            }
        }

        return missing.Count == 0 ? null : $"missing {string.Join(", ", missing)}";
    }

    private static string? Resolve(string directory, string name)
    {
        string compressed = Path.Combine(directory, name + ".gz");
        if (File.Exists(compressed))
        {
            return compressed;
        }

        string raw = Path.Combine(directory, name);
        return File.Exists(raw) ? raw : null;
    }

    private static string Prefix(string split) => split == "train" ? "train" : "t10k";

    private static DatasetNotFoundException NotFound(List<(string Directory, string Why)> searched)
    {
        var message = new StringBuilder("Fashion-MNIST was not found. Looked in, in this order:");
        foreach ((string directory, string why) in searched)
        {
            message.Append("\n  - ").Append(directory).Append(" (").Append(why).Append(')');
        }

        message.Append("\nInstall it with `apt-get install dataset-fashion-mnist` (as root), which puts the files in ")
            .Append(SystemDirectory)
            .Append(", or set ")
            .Append(EnvironmentVariable)
            .Append(" to a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzip-compressed or not), or to its parent folder when that folder is named ")
            .Append(FolderName)
            .Append('.');
        return new DatasetNotFoundException(message.ToString(), searched.Select(s => s.Directory).ToArray());
    }
}
