using System.Buffers.Binary;
using System.IO.Compression;
using Confer.Data.Internal;

namespace Confer.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a magic number
/// <c>00 00 type rank</c>, <c>rank</c> big-endian 32-bit dimension sizes, then the elements.
/// Files may be gzip-compressed (detected by the gzip magic <c>1f 8b</c>, not by the file name).
/// Only unsigned-byte elements (type code <c>0x08</c>) are supported.
/// </summary>
public static class IdxReader
{
    /// <summary>The element type code of unsigned bytes, the only one supported.</summary>
    public const byte UnsignedByteTypeCode = 0x08;

    private const int FileBufferSize = 1 << 16;

    /// <summary>Reads an IDX file, raw or gzip-compressed.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The file's dimensions and elements.</returns>
    /// <exception cref="IdxFormatException">The file is not a valid unsigned-byte IDX file; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferSize, FileOptions.SequentialScan);
        return Read(file, path);
    }

    /// <summary>Reads an IDX array from a stream, raw or gzip-compressed, up to the stream's end.</summary>
    /// <param name="stream">The stream, positioned at the IDX (or gzip) header; it is not closed.</param>
    /// <param name="source">A name for the stream in messages, e.g. its file path.</param>
    /// <returns>The array's dimensions and elements.</returns>
    /// <exception cref="IdxFormatException">The stream does not hold a valid unsigned-byte IDX array.</exception>
    public static IdxArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        long? rawLength = stream.CanSeek ? stream.Length - stream.Position : null;
        byte[] sniff = new byte[2];
        int sniffed = stream.ReadAtLeast(sniff, sniff.Length, throwOnEndOfStream: false);
        var replay = new ReplayStream(sniff.AsSpan(0, sniffed).ToArray(), stream);
        if (sniffed == 2 && sniff[0] == 0x1f && sniff[1] == 0x8b)
        {
            try
            {
                using var gzip = new GZipStream(replay, CompressionMode.Decompress, leaveOpen: true);
                return ReadIdx(gzip, source, compressed: true, knownLength: null);
            }
            catch (InvalidDataException e)
            {
                throw new IdxFormatException(
                    $"IDX file '{source}' is gzip-compressed but its compressed data is damaged ({e.Message}). Download or copy the file again.",
                    e);
            }
        }

        return ReadIdx(replay, source, compressed: false, rawLength);
    }

    /// <summary>
    /// Reads an image file (rank 3: count × rows × columns, or rank 4: count × channels × rows × columns)
    /// and its label file (rank 1: count) into a data set, checking that they belong together.
    /// </summary>
    /// <param name="imagesPath">The image IDX file, raw or gzip-compressed.</param>
    /// <param name="labelsPath">The label IDX file, raw or gzip-compressed.</param>
    /// <param name="name">The data set's name for messages, e.g. <c>fashion-mnist/train</c>.</param>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    /// <returns>The data set, holding the files' buffers without a copy.</returns>
    /// <exception cref="IdxFormatException">A file is malformed, has the wrong rank, the counts differ, or a label is out of range.</exception>
    public static ImageDataset ReadImageDataset(string imagesPath, string labelsPath, string name, int classCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        IdxArray images = Read(imagesPath);
        IdxArray labels = Read(labelsPath);
        if (images.Rank is not (3 or 4))
        {
            throw new IdxFormatException(
                $"IDX file '{imagesPath}' has rank {images.Rank} ({images.DescribeDimensions()}), but an image file has rank 3 (count×rows×columns) or 4 (count×channels×rows×columns). Check that the image and label paths are not swapped.");
        }

        if (labels.Rank != 1)
        {
            throw new IdxFormatException(
                $"IDX file '{labelsPath}' has rank {labels.Rank} ({labels.DescribeDimensions()}), but a label file has rank 1 (count). Check that the image and label paths are not swapped.");
        }

        int imageCount = images.Dimensions[0];
        int labelCount = labels.Dimensions[0];
        if (imageCount != labelCount)
        {
            throw new IdxFormatException(
                $"Data set '{name}': '{imagesPath}' holds {imageCount} images but '{labelsPath}' holds {labelCount} labels. The files do not belong together; use the image and label files of the same split.");
        }

        ReadOnlySpan<byte> labelBytes = labels.Buffer;
        int bad = classCount > byte.MaxValue ? -1 : labelBytes.IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new IdxFormatException(
                $"Data set '{name}': label {labelBytes[bad]} at index {bad} of '{labelsPath}' is not below the class count {classCount}. The label file is not the one for this data set.");
        }

        bool hasChannels = images.Rank == 4;
        int channels = hasChannels ? images.Dimensions[1] : 1;
        int height = images.Dimensions[hasChannels ? 2 : 1];
        int width = images.Dimensions[hasChannels ? 3 : 2];
        if (channels == 0 || height == 0 || width == 0)
        {
            throw new IdxFormatException($"IDX file '{imagesPath}' has images of size {images.DescribeDimensions()}: an image needs at least one channel, row and column.");
        }

        return new ImageDataset(name, channels, height, width, images.Buffer, labels.Buffer, classCount);
    }

    private static IdxArray ReadIdx(Stream stream, string source, bool compressed, long? knownLength)
    {
        string what = compressed ? "after decompression" : "on disk";
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (got < magic.Length)
        {
            throw new IdxFormatException(
                $"IDX file '{source}' is truncated: it holds {got} bytes {what}, fewer than the 4-byte magic number. The file is incomplete; download or copy it again.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new IdxFormatException(
                $"'{source}' is not an IDX file: it starts with {Convert.ToHexString(magic)} {what}, but an IDX file starts with 0000 followed by a type code and a rank (e.g. 00000803 for images). Check the path.");
        }

        byte type = magic[2];
        if (type != UnsignedByteTypeCode)
        {
            throw new IdxFormatException(
                $"IDX file '{source}' has element type code 0x{type:X2} ({DescribeType(type)}); only unsigned bytes (0x08, as in MNIST and Fashion-MNIST) are supported. Convert the file to unsigned bytes.");
        }

        int rank = magic[3];
        if (rank == 0)
        {
            throw new IdxFormatException($"IDX file '{source}' declares rank 0; an IDX array has at least one dimension. The file is damaged or not an IDX file.");
        }

        Span<byte> header = stackalloc byte[4 * rank];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new IdxFormatException(
                $"IDX file '{source}' is truncated inside its header: rank {rank} needs {header.Length} bytes of dimensions after the magic number, but only {got} are there {what}. Download or copy the file again.");
        }

        int[] dimensions = new int[rank];
        long payloadLength = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4 * i, 4));
            if (size > int.MaxValue)
            {
                throw new IdxFormatException($"IDX file '{source}': dimension {i} has size {size}, more than {int.MaxValue}. The header is damaged.");
            }

            dimensions[i] = (int)size;
            payloadLength = payloadLength * size;
            if (payloadLength > Array.MaxLength)
            {
                throw new IdxFormatException(
                    $"IDX file '{source}' declares {string.Join('×', dimensions.Take(i + 1))}… elements, more than the {Array.MaxLength} bytes one array can hold. The header is damaged, or the file must be split.");
            }
        }

        long headerLength = 4 + header.Length;
        string shape = string.Join('×', dimensions);
        if (knownLength is long length && length != headerLength + payloadLength)
        {
            // A raw file's size is known before reading, so a bad header cannot make us allocate a huge buffer.
            throw SizeMismatch(source, shape, payloadLength, length - headerLength, what);
        }

        byte[] data = GC.AllocateUninitializedArray<byte>((int)payloadLength);
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw SizeMismatch(source, shape, payloadLength, read, what);
        }

        long extra = CountRemaining(stream);
        if (extra > 0)
        {
            throw SizeMismatch(source, shape, payloadLength, payloadLength + extra, what);
        }

        return new IdxArray(source, dimensions, data);
    }

    private static IdxFormatException SizeMismatch(string source, string shape, long expected, long actual, string what)
    {
        string problem = actual < expected ? "is truncated" : "has trailing bytes";
        string advice = actual < expected
            ? "The file is incomplete; download or copy it again."
            : "The header's dimensions do not describe the data; the file is damaged or was written wrongly.";
        return new IdxFormatException(
            $"IDX file '{source}' {problem}: its header declares {shape} unsigned bytes, so the data should be {expected} bytes, but there are {actual} bytes {what}. {advice}");
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = stream.Read(scratch)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static string DescribeType(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type code",
    };
}
