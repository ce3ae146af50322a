using System.Text;

namespace Confer.Pki.Internal;

/// <summary>
/// Atomic file writes: the content goes to a temporary file in the same folder, created with its final
/// mode from the start, flushed to disk, then renamed over the target. Readers see the old file or the
/// new one, never a half-written one, and a private key is never readable by others, not even for an instant.
/// </summary>
internal static class SecureFile
{
    /// <summary>Owner read and write only (0600), for private keys and the CA database.</summary>
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read and write, others read (0644), for certificates, CSRs and packages.</summary>
    public const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Owner only (0700), for folders that hold private keys.</summary>
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void WriteAllText(string path, string content, UnixFileMode mode) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content), mode);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void CreateDirectory(string path, bool isPrivate)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, isPrivate ? PrivateDirectoryMode : PublicMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>Reads a small file, refusing one larger than <paramref name="maxBytes"/> so a wrong path cannot exhaust memory.</summary>
    public static byte[] ReadBounded(string path, int maxBytes, string what)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
        {
            throw new PkiException(PkiError.MalformedPackage, $"{what} '{path}' is {stream.Length} bytes, more than the {maxBytes} bytes allowed; it is not a file Confer wrote.");
        }

        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
