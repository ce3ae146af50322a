namespace Confer.Pki.Internal;

/// <summary>
/// An exclusive advisory lock on the CA database, so two <c>confer</c> commands run at once cannot
/// issue from or revoke in the same database and lose one another's changes.
/// </summary>
internal sealed class DatabaseLock : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly FileStream _stream;

    private DatabaseLock(FileStream stream) => _stream = stream;

    public static DatabaseLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = SecureFile.PrivateMode;
        }

        var started = Environment.TickCount64;
        while (true)
        {
            try
            {
                return new DatabaseLock(new FileStream(lockPath, options));
            }
            catch (IOException) when (Environment.TickCount64 - started < Patience.TotalMilliseconds)
            {
                // Another command holds the database; it finishes in milliseconds.
                Thread.Sleep(50);
            }
            catch (IOException ex)
            {
                throw new PkiException(PkiError.DatabaseInvalid, $"The certificate database '{databasePath}' stayed locked for {Patience.TotalSeconds:0} s by another confer command ('{lockPath}'). Wait for it to finish and try again.", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
