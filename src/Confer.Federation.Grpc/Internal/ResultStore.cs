using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Text;
using Confer.Core;
using Confer.Federation.Controllers;
using Confer.Protos.V2;
using Google.Protobuf;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The aggregator's durable store: one file per acknowledged reply under
/// <c>save/federation/round_N/</c> (a length-prefixed <see cref="ReplyHeader"/>, then the arrays'
/// bytes), written aside, fsync'd and renamed before the reply is acknowledged; the tasks of a
/// round that were withdrawn (<c>round_N/withdrawn</c>: a straggler cut or a deadline, so a
/// restart counts the same replies); and the round checkpoint (<c>checkpoint.pbuf</c>, the round
/// controller's <see cref="RoundCheckpoint"/>), rewritten atomically when a round is aggregated.
/// </summary>
/// <remarks>
/// The result files of an aggregated round are not deleted but kept under <c>spare/</c> and
/// overwritten by the next round's uploads, as a database recycles its log segments: writing over
/// a file whose pages and disk blocks exist costs the kernel a copy, while a new file costs page
/// and block allocation for every byte (with 10M-value models, a fifth of the aggregator's CPU).
/// A spare holds an old result, is never read, and is cut to the new result's length before the
/// new result is made durable. The spares are deleted when the federation is over.
/// </remarks>
internal sealed partial class ResultStore : IRoundCheckpointStore
{
    /// <summary>Reads a result's model bytes, which are valid only during the call.</summary>
    public delegate TResult ModelBytesFunc<in TState, out TResult>(ReadOnlySpan<byte> bytes, TState state);

    private const string TemporarySuffix = ".partial";
    private const string SpareDirectoryName = "spare";
    private const string RoundPrefix = "round_";
    private const string WithdrawnFileName = "withdrawn";
    private const string CheckpointFormat = "confer-round-checkpoint-2";
    private const string GlobalPrefix = "global/";
    private const string StrategyPrefix = "strategy/";

    /// <summary>At most this many spare files are kept: enough for a round of a large federation, bounded on disk.</summary>
    private const int MaxSpares = 256;

    private readonly Lock _spareGate = new();
    private readonly Stack<string> _spares = new();

    private readonly string _planHash;

    public ResultStore(string workspaceDirectory, string planHash)
    {
        _planHash = planHash;
        Directory = Path.Combine(workspaceDirectory, "save", "federation");
        System.IO.Directory.CreateDirectory(Directory);
        if (System.IO.Directory.Exists(SpareDirectory))
        {
            foreach (var spare in System.IO.Directory.EnumerateFiles(SpareDirectory).Order(StringComparer.Ordinal).Take(MaxSpares))
            {
                _spares.Push(spare);
            }
        }
    }

    public string Directory { get; }

    public string CheckpointPath => Path.Combine(Directory, "checkpoint.pbuf");

    private string SpareDirectory => Path.Combine(Directory, SpareDirectoryName);

    public string RoundDirectory(int round) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{RoundPrefix}{round}"));

    /// <summary>The rounds that have a folder of results, in order.</summary>
    public List<int> StoredRounds() =>
        [.. System.IO.Directory.EnumerateDirectories(Directory, RoundPrefix + "*")
            .Select(d => int.TryParse(Path.GetFileName(d).AsSpan(RoundPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : -1)
            .Where(r => r >= 0)
            .Order()];

    /// <summary>True when the store holds anything: a checkpoint, results, or files this version does not write.</summary>
    public bool HasContent() => System.IO.Directory.EnumerateFileSystemEntries(Directory).Any();

    /// <summary>Moves everything in the store to a sibling folder (nothing is deleted) and starts it empty.</summary>
    /// <returns>Where the old content now is.</returns>
    public string SetAside()
    {
        var target = $"{Directory}.set-aside-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
        lock (_spareGate)
        {
            _spares.Clear();
        }

        System.IO.Directory.Move(Directory, target);
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.SyncDirectory(Path.GetDirectoryName(Directory)!);
        return target;
    }

    public static string FileName(string collaborator, string kind) => $"{collaborator}__{kind}.result";

    /// <summary>Opens a temporary file for an incoming reply and writes its header.</summary>
    public FileStream CreateTemporary(ReplyHeader header, out string path)
    {
        var directory = RoundDirectory(header.Round);
        System.IO.Directory.CreateDirectory(directory);
        path = Path.Combine(directory, $"{FileName(header.Collaborator, header.Kind)}.{Guid.NewGuid():N}{TemporarySuffix}");
        var recycled = header.ArraysSize > 0 && TakeSpare(path);
        var stream = new FileStream(path, recycled ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        var headerBytes = header.ToByteArray();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        return stream;
    }

    /// <summary>Moves a spare file (see the remarks) to <paramref name="path"/>; false when there is none.</summary>
    private bool TakeSpare(string path)
    {
        lock (_spareGate)
        {
            while (_spares.TryPop(out var spare))
            {
                try
                {
                    File.Move(spare, path);
                    return true;
                }
                catch (IOException)
                {
                    // Gone or unusable: a new file does as well.
                }
            }

            return false;
        }
    }

    /// <summary>Ends a temporary result at what was written (a recycled file may be longer); call before flushing it to disk.</summary>
    public static void EndAtPosition(FileStream stream)
    {
        if (stream.Length != stream.Position)
        {
            stream.SetLength(stream.Position);
        }
    }

    /// <summary>Renames a flushed temporary result to its final name and makes the rename durable.</summary>
    public StoredResult Commit(string temporaryPath, ReplyHeader header)
    {
        var directory = RoundDirectory(header.Round);
        var path = Path.Combine(directory, FileName(header.Collaborator, header.Kind));
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

    /// <summary>
    /// The acknowledged replies of a round, after a restart; partial uploads (and files left by an
    /// interrupted atomic write) are removed.
    /// </summary>
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
            var name = Path.GetFileName(path);
            if (name.EndsWith(TemporarySuffix, StringComparison.Ordinal) || name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal))
            {
                File.Delete(path);
                continue;
            }

            if (name == WithdrawnFileName)
            {
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
        return new StoredResult(ReplyHeader.Parser.ParseFrom(headerBytes), path, 4 + size);
    }

    /// <summary>Reads the model of a result file (a full or delta state), or null when it has none.</summary>
    public static ModelState? ReadModel(string path, long offset, long size) =>
        size == 0 ? null : WithModelBytes(path, offset, size, 0, static (bytes, _) => ModelStateSerializer.Deserialize(bytes));

    /// <summary>
    /// Calls <paramref name="read"/> with the model bytes of a result file, mapped, not read into a
    /// buffer: checking or decoding them copies nothing model-sized beyond what the callback makes.
    /// </summary>
    public static TResult WithModelBytes<TState, TResult>(string path, long offset, long size, TState state, ModelBytesFunc<TState, TResult> read)
    {
        if (size == 0)
        {
            return read([], state);
        }

        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(offset, size, MemoryMappedFileAccess.Read);
        return Call(view, checked((int)size), state, read);
    }

    private static unsafe TResult Call<TState, TResult>(MemoryMappedViewAccessor view, int size, TState state, ModelBytesFunc<TState, TResult> read)
    {
        byte* pointer = null;
        var handle = view.SafeMemoryMappedViewHandle;
        handle.AcquirePointer(ref pointer);
        try
        {
            return read(new ReadOnlySpan<byte>(pointer + view.PointerOffset, size), state);
        }
        finally
        {
            handle.ReleasePointer();
        }
    }

    /// <summary>Removes a round's folder; its result files become spares for the next uploads (see the remarks).</summary>
    public void DeleteRound(int round)
    {
        var directory = RoundDirectory(round);
        if (!System.IO.Directory.Exists(directory))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(SpareDirectory);
        lock (_spareGate)
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.result"))
            {
                if (_spares.Count >= MaxSpares)
                {
                    break;
                }

                var spare = Path.Combine(SpareDirectory, $"{Guid.NewGuid():N}.spare");
                File.Move(path, spare);
                _spares.Push(spare);
            }
        }

        System.IO.Directory.Delete(directory, recursive: true);
    }

    /// <summary>Deletes the spare files (when the federation is over).</summary>
    public void DeleteSpares()
    {
        lock (_spareGate)
        {
            _spares.Clear();
            if (System.IO.Directory.Exists(SpareDirectory))
            {
                System.IO.Directory.Delete(SpareDirectory, recursive: true);
            }
        }
    }

    /// <summary>Adds, durably, task ids of a round that were withdrawn (no reply to them is taken any more).</summary>
    public void WriteWithdrawn(int round, IEnumerable<string> messageIds)
    {
        var all = ReadWithdrawn(round);
        all.UnionWith(messageIds);
        System.IO.Directory.CreateDirectory(RoundDirectory(round));
        AtomicFile.Write(Path.Combine(RoundDirectory(round), WithdrawnFileName), Encoding.UTF8.GetBytes(string.Join('\n', all.Order(StringComparer.Ordinal))));
    }

    /// <summary>The task ids of a round that were withdrawn; empty when none was.</summary>
    public HashSet<string> ReadWithdrawn(int round)
    {
        var path = Path.Combine(RoundDirectory(round), WithdrawnFileName);
        return File.Exists(path)
            ? new HashSet<string>(File.ReadAllText(path, Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>The rounds whose stored replies <see cref="Read"/> removed because the checkpoint says they were aggregated.</summary>
    public List<int> RemovedAtStart { get; } = [];

    /// <summary>Set by <see cref="Read"/> when it moved another run's files aside: where they went, and why.</summary>
    public (string Path, string? OtherPlanHash, int OtherNextRound)? SetAsideAtStart { get; private set; }
}
