using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Starts writing a file's dirty pages to disk while more bytes are still arriving (Linux
/// <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>, which does not wait), so the fsync before an
/// acknowledgement only waits for the tail instead of the whole upload. A no-op elsewhere; the
/// fsync alone keeps the durability promise.
/// </summary>
internal static partial class FileWriteback
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            // Failure only means the fsync does all the work; it is not an error.
            _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
