using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Confer.Workflow.Internal;

/// <summary>Writes one run: its row, its checkpointed tasks with their blobs, and its egress record. Thread-safe.</summary>
internal sealed class RunStoreWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly BlobStore _blobs;

    private RunStoreWriter(string directory)
    {
        Directory = directory;
        _connection = RunStoreSchema.OpenForWriting(directory);
        _blobs = new BlobStore(Path.Combine(directory, RunStoreSchema.BlobFolder));
    }

    public string Directory { get; }

    public static RunStoreWriter Open(string directory) => new(Path.GetFullPath(directory));

    public long BeginRun(string flow, FlowGraph graph, LocalRuntimeBackend backend, bool checkpoint, IReadOnlyList<string> collaborators, DateTimeOffset startedAt)
    {
        lock (_gate)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
            using SqliteCommand max = _connection.CreateCommand();
            max.Transaction = transaction;
            max.CommandText = "SELECT COALESCE(MAX(id), 0) FROM runs";
            long last = Convert.ToInt64(max.ExecuteScalar(), CultureInfo.InvariantCulture);
            long micros = (startedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

            // Metaflow-style ids (start time in microseconds), bumped when two runs start in the same microsecond.
            long id = Math.Max(micros, last + 1);
            using SqliteCommand insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO runs (id, flow, started_at, status, backend, checkpoint, collaborators, graph)
                VALUES ($id, $flow, $started, 'running', $backend, $checkpoint, $collaborators, $graph)
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$flow", flow);
            insert.Parameters.AddWithValue("$started", Time(startedAt));
            insert.Parameters.AddWithValue("$backend", backend.ToString());
            insert.Parameters.AddWithValue("$checkpoint", checkpoint ? 1 : 0);
            insert.Parameters.AddWithValue("$collaborators", JsonSerializer.Serialize(collaborators));
            insert.Parameters.AddWithValue("$graph", graph.ToJson());
            insert.ExecuteNonQuery();
            transaction.Commit();
            return id;
        }
    }

    public void RecordTask(long runId, TaskRecord task)
    {
        // Blob files first: a task row never points at a blob that is not there.
        foreach (EncodedValue artifact in task.Artifacts)
        {
            _blobs.Put(artifact.Sha256, artifact.Bytes);
        }

        string? stdout = PutText(task.Stdout);
        string? stderr = PutText(task.Stderr);
        lock (_gate)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction();
            using (SqliteCommand insert = _connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO tasks (run_id, id, step, participant, input, started_at, ended_at, status, error, next_step, stdout, stderr)
                    VALUES ($run, $id, $step, $participant, $input, $started, $ended, $status, $error, $next, $stdout, $stderr)
                    """;
                insert.Parameters.AddWithValue("$run", runId);
                insert.Parameters.AddWithValue("$id", task.Id);
                insert.Parameters.AddWithValue("$step", task.Step);
                insert.Parameters.AddWithValue("$participant", task.Participant);
                insert.Parameters.AddWithValue("$input", (object?)task.Input ?? DBNull.Value);
                insert.Parameters.AddWithValue("$started", Time(task.StartedAt));
                insert.Parameters.AddWithValue("$ended", Time(task.EndedAt));
                insert.Parameters.AddWithValue("$status", task.Status);
                insert.Parameters.AddWithValue("$error", (object?)task.Error ?? DBNull.Value);
                insert.Parameters.AddWithValue("$next", (object?)task.NextStep ?? DBNull.Value);
                insert.Parameters.AddWithValue("$stdout", (object?)stdout ?? DBNull.Value);
                insert.Parameters.AddWithValue("$stderr", (object?)stderr ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }

            using (SqliteCommand artifact = _connection.CreateCommand())
            {
                artifact.Transaction = transaction;
                artifact.CommandText = """
                    INSERT INTO artifacts (run_id, task_id, name, codec, type, size, sha256)
                    VALUES ($run, $task, $name, $codec, $type, $size, $sha)
                    """;
                SqliteParameter name = artifact.Parameters.Add("$name", SqliteType.Text);
                SqliteParameter codec = artifact.Parameters.Add("$codec", SqliteType.Text);
                SqliteParameter type = artifact.Parameters.Add("$type", SqliteType.Text);
                SqliteParameter size = artifact.Parameters.Add("$size", SqliteType.Integer);
                SqliteParameter sha = artifact.Parameters.Add("$sha", SqliteType.Text);
                artifact.Parameters.AddWithValue("$run", runId);
                artifact.Parameters.AddWithValue("$task", task.Id);
                foreach (EncodedValue value in task.Artifacts)
                {
                    name.Value = value.Attribute.Name;
                    codec.Value = value.Codec;
                    type.Value = TypeName(value.Attribute.Type);
                    size.Value = value.Bytes.LongLength;
                    sha.Value = value.Sha256;
                    artifact.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
    }

    public void EndRun(long runId, string status, string? error, DateTimeOffset endedAt, IReadOnlyList<EgressRecord> egress)
    {
        lock (_gate)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction();
            using (SqliteCommand insert = _connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO egress (run_id, seq, from_step, to_step, from_participant, to_participant, attribute, codec, size, sha256)
                    VALUES ($run, $seq, $fromStep, $toStep, $from, $to, $attribute, $codec, $size, $sha)
                    """;
                insert.Parameters.AddWithValue("$run", runId);
                SqliteParameter[] p =
                [
                    insert.Parameters.Add("$seq", SqliteType.Integer),
                    insert.Parameters.Add("$fromStep", SqliteType.Text),
                    insert.Parameters.Add("$toStep", SqliteType.Text),
                    insert.Parameters.Add("$from", SqliteType.Text),
                    insert.Parameters.Add("$to", SqliteType.Text),
                    insert.Parameters.Add("$attribute", SqliteType.Text),
                    insert.Parameters.Add("$codec", SqliteType.Text),
                    insert.Parameters.Add("$size", SqliteType.Integer),
                    insert.Parameters.Add("$sha", SqliteType.Text),
                ];
                foreach (EgressRecord record in egress)
                {
                    p[0].Value = record.Sequence;
                    p[1].Value = record.FromStep;
                    p[2].Value = record.ToStep;
                    p[3].Value = record.FromParticipant;
                    p[4].Value = record.ToParticipant;
                    p[5].Value = record.Attribute;
                    p[6].Value = record.Codec;
                    p[7].Value = record.Size;
                    p[8].Value = record.Sha256;
                    insert.ExecuteNonQuery();
                }
            }

            using (SqliteCommand update = _connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = "UPDATE runs SET status = $status, error = $error, ended_at = $ended WHERE id = $id";
                update.Parameters.AddWithValue("$status", status);
                update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
                update.Parameters.AddWithValue("$ended", Time(endedAt));
                update.Parameters.AddWithValue("$id", runId);
                update.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public void Dispose() => _connection.Dispose();

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    private string? PutText(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text);
        string sha = BlobStore.Hash(bytes);
        _blobs.Put(sha, bytes);
        return sha;
    }
}
