using System.Buffers.Binary;
using System.IO.Compression;

namespace Confer.Data.Tests.Infrastructure;

/// <summary>Writes small IDX files the way MNIST's are laid out, so tests need no fixtures on disk.</summary>
internal static class IdxFiles
{
    public static byte[] Encode(int[] dimensions, byte[] data, byte typeCode = 0x08)
    {
        byte[] bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    public static string Write(string path, byte[] content, bool gzip)
    {
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }

    /// <summary>Images whose pixel bytes are (image × 7 + pixel) mod 256, so any misplaced byte shows.</summary>
    public static byte[] Pixels(int count, int rows, int columns)
    {
        byte[] pixels = new byte[count * rows * columns];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(((i / (rows * columns)) * 7) + (i % (rows * columns)));
        }

        return pixels;
    }

    /// <summary>Writes a Fashion-MNIST-shaped folder (28×28 images) with the given label counts.</summary>
    public static void WriteFashionMnist(string directory, int trainCount, int testCount, int? trainLabelCount = null)
    {
        Directory.CreateDirectory(directory);
        foreach ((string prefix, int count, int labelCount) in new[] { ("train", trainCount, trainLabelCount ?? trainCount), ("t10k", testCount, testCount) })
        {
            Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), Encode([count, 28, 28], Pixels(count, 28, 28)), gzip: true);
            byte[] labels = Enumerable.Range(0, labelCount).Select(i => (byte)(i % 10)).ToArray();
            Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), Encode([labelCount], labels), gzip: true);
        }
    }
}
