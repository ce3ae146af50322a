using Microsoft.Data.Sqlite;

namespace Confer.Workflow.Internal;

/// <summary>The run store's SQLite schema and connection settings, shared by the writer and the reader.</summary>
internal static class RunStoreSchema
{
    public const string DatabaseFile = "runs.db";
    public const string BlobFolder = "blobs";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY,
            flow TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,
            error TEXT,
            backend TEXT NOT NULL,
            checkpoint INTEGER NOT NULL,
            collaborators TEXT NOT NULL,
            graph TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_flow ON runs (flow, id);
        CREATE TABLE IF NOT EXISTS tasks (
            run_id INTEGER NOT NULL,
            id INTEGER NOT NULL,
            step TEXT NOT NULL,
            participant TEXT NOT NULL,
            input TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            next_step TEXT,
            stdout TEXT,
            stderr TEXT,
            PRIMARY KEY (run_id, id));
        CREATE TABLE IF NOT EXISTS artifacts (
            run_id INTEGER NOT NULL,
            task_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            codec TEXT NOT NULL,
            type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (run_id, task_id, name));
        CREATE TABLE IF NOT EXISTS egress (
            run_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            from_step TEXT NOT NULL,
            to_step TEXT NOT NULL,
            from_participant TEXT NOT NULL,
            to_participant TEXT NOT NULL,
            attribute TEXT NOT NULL,
            codec TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (run_id, seq));
        """;

    public static SqliteConnection OpenForWriting(string directory)
    {
        Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DatabaseFile),
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
        Execute(connection, Ddl);
        return connection;
    }

    public static SqliteConnection OpenForReading(string directory)
    {
        string path = Path.Combine(directory, DatabaseFile);
        if (!File.Exists(path))
        {
            throw new DirectoryNotFoundException($"No run store at {directory} (no {DatabaseFile}); run a flow first, or pass the folder that holds one (--store DIR).");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=10000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
