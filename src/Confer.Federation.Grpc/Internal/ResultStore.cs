using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Confer.Core;
using Confer.Protos.V1;
using Google.Protobuf;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The aggregator's durable store: one file per acknowledged task result under
/// <c>save/federation/round_N/</c> (a length-prefixed <see cref="ResultHeader"/>, then the model
/// bytes), written aside, fsync'd and renamed before the result is acknowledged; and
/// <c>progress.json</c>, rewritten atomically after each round's states are saved.
/// </summary>
internal sealed class ResultStore
{
    private const string TemporarySuffix = ".partial";

    public ResultStore(string workspaceDirectory)
    {
        Directory = Path.Combine(workspaceDirectory, "save", "federation");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    private string ProgressPath => Path.Combine(Directory, "progress.json");

    public string RoundDirectory(int round) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"round_{round}"));

    public static string FileName(string collaborator, string task) => $"{collaborator}__{task}.result";

    /// <summary>Opens a temporary file for an incoming result and writes its header.</summary>
    public FileStream CreateTemporary(ResultHeader header, out string path)
    {
        var directory = RoundDirectory(header.Round);
        System.IO.Directory.CreateDirectory(directory);
        path = Path.Combine(directory, $"{FileName(header.Collaborator, header.Task)}.{Guid.NewGuid():N}{TemporarySuffix}");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        var headerBytes = header.ToByteArray();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        return stream;
    }

    /// <summary>Renames a flushed temporary result to its final name and makes the rename durable.</summary>
    public StoredResult Commit(string temporaryPath, ResultHeader header)
    {
        var directory = RoundDirectory(header.Round);
        var path = Path.Combine(directory, FileName(header.Collaborator, header.Task));
        File.Move(temporaryPath, path, overwrite: false);
        AtomicFile.SyncDirectory(directory);
        return new StoredResult(header, path, 4 + header.CalculateSize());
    }

    public static void Discard(string temporaryPath)
    {
        try
        {
            File.Delete(temporaryPath);
        }
        catch (IOException)
        {
            // Left-over partial files are removed when the round is loaded again.
        }
    }

    /// <summary>The acknowledged results of a round, after a restart; partial uploads are removed.</summary>
    public List<StoredResult> Load(int round)
    {
        var results = new List<StoredResult>();
        var directory = RoundDirectory(round);
        if (!System.IO.Directory.Exists(directory))
        {
            return results;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            {
                File.Delete(path);
                continue;
            }

            results.Add(ReadHeader(path));
        }

        return results;
    }

    public static StoredResult ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> length = stackalloc byte[4];
        stream.ReadExactly(length);
        var size = BinaryPrimitives.ReadInt32LittleEndian(length);
        var headerBytes = new byte[size];
        stream.ReadExactly(headerBytes);
        return new StoredResult(ResultHeader.Parser.ParseFrom(headerBytes), path, 4 + size);
    }

    /// <summary>Reads the model of a result file (a full or delta state), or null when it has none.</summary>
    public static ModelState? ReadModel(string path, long offset, long size)
    {
        if (size == 0)
        {
            return null;
        }

        // The file is mapped, not read into a buffer: the tensors' bytes are copied once, from the
        // page cache into the tensors, with no model-sized buffer in between.
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(offset, size, MemoryMappedFileAccess.Read);
        return DeserializeMapped(view, checked((int)size));
    }

    private static unsafe ModelState DeserializeMapped(MemoryMappedViewAccessor view, int size)
    {
        byte* pointer = null;
        var handle = view.SafeMemoryMappedViewHandle;
        handle.AcquirePointer(ref pointer);
        try
        {
            return ModelStateSerializer.Deserialize(new ReadOnlySpan<byte>(pointer + view.PointerOffset, size));
        }
        finally
        {
            handle.ReleasePointer();
        }
    }

    public void DeleteRound(int round)
    {
        var directory = RoundDirectory(round);
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    public FederationProgress? ReadProgress()
    {
        if (!File.Exists(ProgressPath))
        {
            return null;
        }

        return JsonSerializer.Deserialize<FederationProgress>(File.ReadAllBytes(ProgressPath));
    }

    public void WriteProgress(FederationProgress progress) =>
        AtomicFile.Write(ProgressPath, JsonSerializer.SerializeToUtf8Bytes(progress));
}
