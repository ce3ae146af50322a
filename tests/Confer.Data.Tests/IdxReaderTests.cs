using Confer.Data.Tests.Infrastructure;

namespace Confer.Data.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ValidFile_ReturnsDimensionsAndBytes(bool gzip)
    {
        byte[] pixels = IdxFiles.Pixels(3, 4, 5);
        string path = IdxFiles.Write(_temp.File("images"), IdxFiles.Encode([3, 4, 5], pixels), gzip);

        IdxArray array = IdxReader.Read(path);

        Assert.Equal([3, 4, 5], array.Dimensions);
        Assert.Equal(3, array.Rank);
        Assert.Equal(pixels, array.Data.ToArray());
        Assert.Equal(path, array.Source);
    }

    [Fact]
    public void Read_GzipDetectedByMagicNotName_ReadsCompressedFileWithoutExtension()
    {
        byte[] labels = [1, 2, 3, 4];
        string path = IdxFiles.Write(_temp.File("labels.idx"), IdxFiles.Encode([4], labels), gzip: true);

        IdxArray array = IdxReader.Read(path);

        Assert.Equal(labels, array.Data.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_NonSeekableStream_ReadsArray(bool gzip)
    {
        byte[] raw = IdxFiles.Encode([2, 2], [9, 8, 7, 6]);
        using var stream = new NonSeekableStream(gzip ? IdxFiles.Gzip(raw) : raw);

        IdxArray array = IdxReader.Read(stream, "pipe");

        Assert.Equal([2, 2], array.Dimensions);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, array.Data.ToArray());
    }

    [Fact]
    public void Read_EmptyDimension_ReturnsEmptyArray()
    {
        string path = IdxFiles.Write(_temp.File("empty"), IdxFiles.Encode([0, 28, 28], []), gzip: false);

        IdxArray array = IdxReader.Read(path);

        Assert.Equal([0, 28, 28], array.Dimensions);
        Assert.True(array.Data.IsEmpty);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TruncatedPayload_ThrowsNamingFileAndSizes(bool gzip)
    {
        byte[] raw = IdxFiles.Encode([10, 4, 4], IdxFiles.Pixels(10, 4, 4));
        string path = IdxFiles.Write(_temp.File("truncated"), raw[..(raw.Length - 60)], gzip);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("10×4×4", e.Message, StringComparison.Ordinal);
        Assert.Contains("160 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("100 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipCutMidStream_ThrowsIdxFormatException()
    {
        byte[] compressed = IdxFiles.Gzip(IdxFiles.Encode([50, 8, 8], IdxFiles.Pixels(50, 8, 8)));
        string path = _temp.File("cut.gz");
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedHeader_ThrowsNamingHeader()
    {
        byte[] raw = IdxFiles.Encode([10, 4, 4], IdxFiles.Pixels(10, 4, 4));
        string path = IdxFiles.Write(_temp.File("header"), raw[..9], gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("header", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TrailingBytes_ThrowsTrailingError(bool gzip)
    {
        byte[] raw = [.. IdxFiles.Encode([4], [1, 2, 3, 4]), 5, 6];
        string path = IdxFiles.Write(_temp.File("long"), raw, gzip);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("trailing", e.Message, StringComparison.Ordinal);
        Assert.Contains("should be 4 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("6 bytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_WrongMagic_ThrowsNotAnIdxFile(bool gzip)
    {
        byte[] raw = IdxFiles.Encode([4], [1, 2, 3, 4]);
        raw[0] = 0x89;
        raw[1] = 0x50;
        string path = IdxFiles.Write(_temp.File("image.png"), raw, gzip);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("is not an IDX file", e.Message, StringComparison.Ordinal);
        Assert.Contains("89500801", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FloatElementType_ThrowsUnsupportedType()
    {
        string path = IdxFiles.Write(_temp.File("floats"), IdxFiles.Encode([1], [0, 0, 0, 0], typeCode: 0x0D), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("0x0D", e.Message, StringComparison.Ordinal);
        Assert.Contains("32-bit float", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RankZero_Throws()
    {
        string path = IdxFiles.Write(_temp.File("rank0"), [0, 0, 8, 0], gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("rank 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeDeclaredSize_ThrowsBeforeAllocating()
    {
        string path = IdxFiles.Write(_temp.File("huge"), IdxFiles.Encode([int.MaxValue, int.MaxValue], []), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsTruncated()
    {
        string path = IdxFiles.Write(_temp.File("zero"), [], gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));

        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImageDataset_MatchingFiles_ReturnsDataset()
    {
        byte[] pixels = IdxFiles.Pixels(6, 3, 2);
        string images = IdxFiles.Write(_temp.File("images.gz"), IdxFiles.Encode([6, 3, 2], pixels), gzip: true);
        string labels = IdxFiles.Write(_temp.File("labels"), IdxFiles.Encode([6], [0, 1, 2, 0, 1, 2]), gzip: false);

        ImageDataset dataset = IdxReader.ReadImageDataset(images, labels, "tiny", 3);

        Assert.Equal(6, dataset.Count);
        Assert.Equal((1, 3, 2), (dataset.Channels, dataset.Height, dataset.Width));
        Assert.Equal(pixels.AsSpan(6, 6).ToArray(), dataset.Image(1).ToArray());
        Assert.Equal(2, dataset.Label(5));
    }

    [Fact]
    public void ReadImageDataset_RankFourImages_ReadsChannels()
    {
        byte[] pixels = IdxFiles.Pixels(2, 3 * 2, 2);
        string images = IdxFiles.Write(_temp.File("images"), IdxFiles.Encode([2, 3, 2, 2], pixels), gzip: false);
        string labels = IdxFiles.Write(_temp.File("labels"), IdxFiles.Encode([2], [1, 0]), gzip: false);

        ImageDataset dataset = IdxReader.ReadImageDataset(images, labels, "rgb", 2);

        Assert.Equal((3, 2, 2), (dataset.Channels, dataset.Height, dataset.Width));
    }

    [Fact]
    public void ReadImageDataset_CountsDiffer_ThrowsNamingBothFilesAndCounts()
    {
        string images = IdxFiles.Write(_temp.File("images"), IdxFiles.Encode([5, 2, 2], IdxFiles.Pixels(5, 2, 2)), gzip: false);
        string labels = IdxFiles.Write(_temp.File("labels"), IdxFiles.Encode([4], [0, 1, 0, 1]), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImageDataset(images, labels, "mixed", 2));

        Assert.Contains("5 images", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 labels", e.Message, StringComparison.Ordinal);
        Assert.Contains(images, e.Message, StringComparison.Ordinal);
        Assert.Contains(labels, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImageDataset_SwappedPaths_ThrowsRankError()
    {
        string images = IdxFiles.Write(_temp.File("images"), IdxFiles.Encode([2, 2, 2], IdxFiles.Pixels(2, 2, 2)), gzip: false);
        string labels = IdxFiles.Write(_temp.File("labels"), IdxFiles.Encode([2], [0, 1]), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImageDataset(labels, images, "swapped", 2));

        Assert.Contains("swapped", e.Message, StringComparison.Ordinal);
        Assert.Contains("rank 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImageDataset_LabelOutOfRange_ThrowsNamingLabelAndIndex()
    {
        string images = IdxFiles.Write(_temp.File("images"), IdxFiles.Encode([3, 2, 2], IdxFiles.Pixels(3, 2, 2)), gzip: false);
        string labels = IdxFiles.Write(_temp.File("labels"), IdxFiles.Encode([3], [0, 1, 12]), gzip: false);

        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImageDataset(images, labels, "ten", 10));

        Assert.Contains("label 12 at index 2", e.Message, StringComparison.Ordinal);
    }

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
