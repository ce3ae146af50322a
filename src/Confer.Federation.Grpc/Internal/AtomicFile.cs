using System.Runtime.InteropServices;

namespace Confer.Federation.Grpc.Internal;

/// <summary>Crash-safe files: written aside, flushed to the disk, renamed over, and the rename made durable.</summary>
internal static partial class AtomicFile
{
    /// <summary>The suffix of the file written aside before the rename.</summary>
    public const string TemporarySuffix = ".tmp";

    private const int ReadOnly = 0;

    public static void Write(string path, byte[] content) => Write(path, content, static (stream, bytes) => stream.Write(bytes));

    /// <summary>Writes the file with <paramref name="write"/>, which streams its content (no file-sized buffer needed).</summary>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + TemporarySuffix;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            write(stream, state);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>Removes what an interrupted <see cref="Write"/> of <paramref name="path"/> left aside; true when there was something.</summary>
    public static bool DeleteLeftover(string path)
    {
        var temporary = path + TemporarySuffix;
        if (!File.Exists(temporary))
        {
            return false;
        }

        File.Delete(temporary);
        return true;
    }

    /// <summary>Makes a rename or a new file in <paramref name="directory"/> survive a power loss (a no-op where the OS offers no way).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
