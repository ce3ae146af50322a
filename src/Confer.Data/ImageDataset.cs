namespace Confer.Data;

/// <summary>
/// A labelled image data set held in memory: <see cref="Count"/> images of
/// <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/> bytes (0–255, row-major,
/// channel-first) and one class label per image.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly IReadOnlyList<string> _classNames = [];

    /// <summary>Creates a data set over the given buffers (taken, not copied).</summary>
    /// <param name="name">A short name for messages, e.g. <c>fashion-mnist/train</c>.</param>
    /// <param name="channels">Channels per image (1 for grey scale).</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="pixels">All images, one after the other: count × channels × height × width bytes.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="classCount">The number of classes; labels must be below it.</param>
    /// <exception cref="ArgumentException">The sizes do not agree or a label is out of range.</exception>
    public ImageDataset(string name, int channels, int height, int width, byte[] pixels, byte[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        long imageSize = (long)channels * height * width;
        if (pixels.LongLength != imageSize * labels.LongLength)
        {
            throw new ArgumentException(
                $"Data set '{name}' has {labels.Length} labels but {pixels.LongLength} pixel bytes; expected {imageSize * labels.LongLength} ({labels.Length} × {channels}×{height}×{width}).",
                nameof(pixels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"Data set '{name}': label {labels[i]} at index {i} is not below the class count {classCount}.", nameof(labels));
            }
        }

        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
        _pixels = pixels;
        _labels = labels;
    }

    /// <summary>A short name for messages.</summary>
    public string Name { get; }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Bytes per image: channels × height × width.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>
    /// The classes' names, indexed by label (e.g. <c>Trouser</c> for label 1 of Fashion-MNIST);
    /// empty (the default) when the classes have no names. When set, it holds exactly
    /// <see cref="ClassCount"/> names.
    /// </summary>
    /// <exception cref="ArgumentException">The number of names is neither zero nor <see cref="ClassCount"/>.</exception>
    public IReadOnlyList<string> ClassNames
    {
        get => _classNames;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count != 0 && value.Count != ClassCount)
            {
                throw new ArgumentException($"Data set '{Name}' has {ClassCount} classes but {value.Count} class names were given.", nameof(value));
            }

            _classNames = value.ToArray();
        }
    }

    /// <summary>All images' bytes, one image after the other.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>All labels.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The bytes of image <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based image index.</param>
    /// <returns>A span of <see cref="ImageSize"/> bytes.</returns>
    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(checked(index * ImageSize), ImageSize);

    /// <summary>The label of image <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based image index.</param>
    /// <returns>The class label.</returns>
    public int Label(int index) => _labels[index];

    /// <summary>A new data set holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    /// <param name="indices">Image indices, each below <see cref="Count"/>.</param>
    /// <param name="name">The subset's name; defaults to this name with a suffix.</param>
    /// <returns>The subset.</returns>
    public ImageDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int size = ImageSize;
        byte[] pixels = new byte[(long)indices.Count * size];
        byte[] labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {source} at position {i} is outside data set '{Name}' of {Count} images.");
            }

            Image(source).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = _labels[source];
        }

        return new ImageDataset(name ?? $"{Name}[{indices.Count}]", Channels, Height, Width, pixels, labels, ClassCount)
        {
            ClassNames = _classNames,
        };
    }

    /// <summary>A data set over the same buffers (no copy) whose classes carry the given names.</summary>
    /// <param name="classNames">One name per class, indexed by label.</param>
    /// <returns>The named data set.</returns>
    /// <exception cref="ArgumentException">The number of names is not <see cref="ClassCount"/>.</exception>
    public ImageDataset WithClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != ClassCount)
        {
            throw new ArgumentException($"Data set '{Name}' has {ClassCount} classes but {classNames.Count} class names were given.", nameof(classNames));
        }

        return new ImageDataset(Name, Channels, Height, Width, _pixels, _labels, ClassCount) { ClassNames = classNames };
    }

    /// <summary>Counts the images of each class.</summary>
    /// <returns>An array of <see cref="ClassCount"/> counts, indexed by label.</returns>
    public int[] ClassHistogram()
    {
        int[] counts = new int[ClassCount];
        foreach (byte label in _labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>The first <paramref name="count"/> images (or all, when fewer), as a copy.</summary>
    /// <param name="count">How many images to keep.</param>
    /// <returns>The slice.</returns>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Subset(Enumerable.Range(0, Math.Min(count, Count)).ToArray(), $"{Name}[:{Math.Min(count, Count)}]");
    }
}
