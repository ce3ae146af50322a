using System.Security.Cryptography;

namespace Confer.Workflow.Internal;

/// <summary>
/// Content-addressed files: a blob's name is the SHA-256 of its bytes, so a model state that
/// several tasks carried is stored once, and a blob is never rewritten.
/// </summary>
internal sealed class BlobStore(string directory)
{
    public string Directory { get; } = directory;

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public string PathOf(string sha256) => Path.Combine(Directory, sha256[..2], sha256);

    public void Put(string sha256, ReadOnlySpan<byte> bytes)
    {
        string path = PathOf(sha256);
        if (File.Exists(path))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write aside, then move into place: a reader never sees a half-written blob.
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    public byte[] Get(string sha256)
    {
        string path = PathOf(sha256);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Blob {sha256} is missing from the run store ({path}).", path);
        }

        return File.ReadAllBytes(path);
    }
}
