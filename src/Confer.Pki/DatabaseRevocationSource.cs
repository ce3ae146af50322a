namespace Confer.Pki;

/// <summary>
/// Revocation answers from the CA's database file, for a running aggregator: each call looks at the
/// file's last write time and length (one <c>stat</c>) and re-reads the file only when they changed,
/// so <c>confer collaborator revoke</c> takes effect on the next call without a restart. The CA replaces
/// the file atomically, so a reload never sees a half-written file; should it still fail to parse, the
/// last good snapshot stays in use and <see cref="LastReloadError"/> says why.
/// </summary>
public sealed class DatabaseRevocationSource : IRevocationSource
{
    private readonly string _path;
    private readonly Lock _reloadLock = new();
    private volatile Snapshot _snapshot;

    /// <summary>Opens the database file at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">Usually <see cref="CertificatePaths.Database"/>.</param>
    /// <exception cref="PkiException">The file is missing or unreadable.</exception>
    public DatabaseRevocationSource(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _path = Path.GetFullPath(databasePath);
        var info = new FileInfo(_path);
        _snapshot = new Snapshot(CertificateDatabase.Load(_path), Stamp(info));
    }

    /// <summary>The snapshot in use after the most recent check for changes.</summary>
    public CertificateDatabase Database
    {
        get
        {
            Refresh();
            return _snapshot.Database;
        }
    }

    /// <summary>Why the last reload failed, or <see langword="null"/> when the snapshot in use is the file's current content.</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>Opens <c>cert/ca/certificates.json</c> of a workspace.</summary>
    /// <param name="workspaceDirectory">The aggregator's workspace folder.</param>
    /// <returns>The source.</returns>
    /// <exception cref="PkiException">The workspace has no certificate database; run <c>confer workspace certify</c>.</exception>
    public static DatabaseRevocationSource ForWorkspace(string workspaceDirectory) => new(new CertificatePaths(workspaceDirectory).Database);

    /// <inheritdoc />
    public RevocationStatus GetStatus(string serialNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        var record = Database.FindBySerialNumber(serialNumber);
        return record is null ? RevocationStatus.Unknown : record.Revoked ? RevocationStatus.Revoked : RevocationStatus.Good;
    }

    private static (DateTime WriteTime, long Length) Stamp(FileInfo info) => info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);

    private void Refresh()
    {
        var stamp = Stamp(new FileInfo(_path));
        if (stamp == _snapshot.Stamp)
        {
            return;
        }

        lock (_reloadLock)
        {
            if (stamp == _snapshot.Stamp)
            {
                return;
            }

            try
            {
                _snapshot = new Snapshot(CertificateDatabase.Load(_path), stamp);
                LastReloadError = null;
            }
            catch (Exception ex) when (ex is PkiException or IOException or UnauthorizedAccessException)
            {
                // Keep refusing what was revoked before rather than fail open or stop serving; remember
                // the stamp so a broken file is not re-parsed on every call.
                _snapshot = _snapshot with { Stamp = stamp };
                LastReloadError = ex.Message;
            }
        }
    }

    private sealed record Snapshot(CertificateDatabase Database, (DateTime WriteTime, long Length) Stamp);
}
