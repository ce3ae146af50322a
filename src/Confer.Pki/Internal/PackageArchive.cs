using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Confer.Pki.Internal;

/// <summary>
/// Reads and writes the small zip packages that travel between nodes. Reading never extracts to disk:
/// entries are read into memory under size limits, and any entry name with a folder, a drive or a
/// parent reference is refused, so a crafted archive can neither escape a folder nor fill a disk.
/// </summary>
internal static class PackageArchive
{
    public const int MaxPackageBytes = 1024 * 1024;
    public const int MaxEntryBytes = 64 * 1024;
    public const int MaxEntries = 8;
    public const string ManifestFile = "manifest.json";

    private static readonly DateTimeOffset FixedEntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, byte[]> Read(string path, string what, string remedy)
    {
        if (!File.Exists(path))
        {
            throw new PkiException(PkiError.NotFound, $"{what} '{path}' does not exist. {remedy}");
        }

        var bytes = SecureFile.ReadBounded(path, MaxPackageBytes, what);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries)
            {
                throw Malformed(path, what, $"it has {archive.Entries.Count} entries, more than {MaxEntries}", remedy);
            }

            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName;
                if (!IsPlainFileName(name))
                {
                    throw Malformed(path, what, $"entry '{name}' is not a plain file name (folders, drives and '..' are refused)", remedy);
                }

                if (!entries.TryAdd(name, ReadEntry(entry, path, what, remedy)))
                {
                    throw Malformed(path, what, $"entry '{name}' appears twice", remedy);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            throw new PkiException(PkiError.MalformedPackage, $"{what} '{path}' is not a valid zip archive: {ex.Message} {remedy}", ex);
        }

        return entries;
    }

    public static T ReadManifest<T>(Dictionary<string, byte[]> entries, JsonTypeInfo<T> typeInfo, string path, string what, string remedy)
        where T : class
    {
        if (!entries.TryGetValue(ManifestFile, out var bytes))
        {
            throw Malformed(path, what, $"it has no {ManifestFile}", remedy);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, typeInfo) ?? throw Malformed(path, what, $"{ManifestFile} is empty", remedy);
        }
        catch (JsonException ex)
        {
            throw new PkiException(PkiError.MalformedPackage, $"{what} '{path}' has an unreadable {ManifestFile}: {ex.Message} {remedy}", ex);
        }
    }

    public static string ReadText(Dictionary<string, byte[]> entries, string entryName, string path, string what, string remedy)
    {
        if (!entries.TryGetValue(entryName, out var bytes))
        {
            throw Malformed(path, what, $"it has no entry '{entryName}'", remedy);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new PkiException(PkiError.MalformedPackage, $"{what} '{path}': entry '{entryName}' is not UTF-8 text. {remedy}", ex);
        }
    }

    public static void RefuseUnexpectedEntries(Dictionary<string, byte[]> entries, IReadOnlyCollection<string> expected, string path, string what, string remedy)
    {
        foreach (var name in entries.Keys)
        {
            if (!expected.Contains(name))
            {
                throw Malformed(path, what, $"it contains an unexpected entry '{name}' (expected only {string.Join(", ", expected)})", remedy);
            }
        }
    }

    /// <summary>Builds a zip with fixed entry times, so the same content gives the same bytes.</summary>
    public static byte[] Write(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = FixedEntryTime;
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    public static PkiException Malformed(string path, string what, string problem, string remedy) =>
        new(PkiError.MalformedPackage, $"{what} '{path}' is malformed: {problem}. {remedy}");

    private static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= 128
        && name != "."
        && name != ".."
        && name.IndexOfAny(['/', '\\', ':', '\0']) < 0;

    private static byte[] ReadEntry(ZipArchiveEntry entry, string path, string what, string remedy)
    {
        // The header's sizes are the sender's claim; count what decompresses instead.
        using var stream = entry.Open();
        var buffer = new byte[MaxEntryBytes + 1];
        var total = 0;
        int read;
        while ((read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
            if (total > MaxEntryBytes)
            {
                throw Malformed(path, what, $"entry '{entry.FullName}' is larger than {MaxEntryBytes} bytes", remedy);
            }
        }

        return buffer[..total];
    }
}
