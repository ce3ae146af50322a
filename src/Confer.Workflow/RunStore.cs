using System.Globalization;
using System.Text;
using System.Text.Json;
using Confer.Workflow.Internal;
using Microsoft.Data.Sqlite;

namespace Confer.Workflow;

/// <summary>
/// Reads recorded runs, the way OpenFL users read theirs with the Metaflow client:
/// <c>store.LatestRun("FederatedFlow").Step("Train").Tasks[0].Data.Get&lt;ModelState&gt;("Model")</c>.
/// The store is a folder holding <c>runs.db</c> (SQLite, WAL) and content-addressed blob files.
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly BlobStore _blobs;

    private RunStore(string directory, CodecRegistry codecs)
    {
        Directory = directory;
        Codecs = codecs;
        _connection = RunStoreSchema.OpenForReading(directory);
        _blobs = new BlobStore(Path.Combine(directory, RunStoreSchema.BlobFolder));
    }

    /// <summary>The default run store folder: <c>$CONFER_RUNS</c> when set, else <c>~/.confer/runs</c>.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("CONFER_RUNS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".confer", "runs");

    /// <summary>The store's folder.</summary>
    public string Directory { get; }

    /// <summary>The codecs <see cref="TaskData.Get{T}"/> decodes with.</summary>
    public CodecRegistry Codecs { get; }

    /// <summary>Opens a run store for reading.</summary>
    /// <param name="directory">The folder. Default: <see cref="DefaultDirectory"/>.</param>
    /// <param name="codecs">Codecs for decoding data. Default: <see cref="CodecRegistry.CreateDefault"/>.</param>
    /// <returns>The store.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder holds no run store.</exception>
    public static RunStore Open(string? directory = null, CodecRegistry? codecs = null) =>
        new(Path.GetFullPath(directory ?? DefaultDirectory), codecs ?? CodecRegistry.CreateDefault());

    /// <summary>The names of the flows that have runs, sorted.</summary>
    /// <returns>The flow names.</returns>
    public IReadOnlyList<string> Flows() =>
        Query("SELECT DISTINCT flow FROM runs ORDER BY flow", null, r => r.GetString(0));

    /// <summary>The runs, newest first (Metaflow's <c>list(Flow(name))</c>).</summary>
    /// <param name="flowName">Only this flow's runs; <see langword="null"/> for all.</param>
    /// <returns>The runs.</returns>
    public IReadOnlyList<FlowRunInfo> Runs(string? flowName = null) =>
        Query(
            $"SELECT {RunColumns} FROM runs {(flowName is null ? string.Empty : "WHERE flow = $flow")} ORDER BY id DESC",
            c => c.Parameters.AddWithValue("$flow", (object?)flowName ?? DBNull.Value),
            ReadRun);

    /// <summary>The newest run of a flow (Metaflow's <c>Flow(name).latest_run</c>), or <see langword="null"/>.</summary>
    /// <param name="flowName">The flow's name (its class name).</param>
    /// <returns>The run, or <see langword="null"/> when the flow has none.</returns>
    public FlowRunInfo? LatestRun(string flowName) => Runs(flowName).FirstOrDefault();

    /// <summary>A run by id.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The run.</returns>
    /// <exception cref="KeyNotFoundException">No run has that id.</exception>
    public FlowRunInfo GetRun(long runId) =>
        Query($"SELECT {RunColumns} FROM runs WHERE id = $id", c => c.Parameters.AddWithValue("$id", runId), ReadRun).FirstOrDefault()
        ?? throw new KeyNotFoundException($"No run {runId} in the run store at {Directory}; 'confer runs list' shows the runs.");

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    internal IReadOnlyList<TaskInfo> LoadTasks(FlowRunInfo run) =>
        Query(
            "SELECT id, step, participant, input, started_at, ended_at, status, error, next_step, stdout, stderr FROM tasks WHERE run_id = $run ORDER BY id",
            c => c.Parameters.AddWithValue("$run", run.Id),
            r => new TaskInfo(
                this,
                run,
                r.GetInt64(0),
                r.GetString(1),
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                ParseTime(r.GetString(4)),
                ParseTime(r.GetString(5)),
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetString(10)));

    internal IReadOnlyList<TaskArtifact> LoadArtifacts(long runId, long taskId) =>
        Query(
            "SELECT name, codec, type, size, sha256 FROM artifacts WHERE run_id = $run AND task_id = $task ORDER BY rowid",
            c =>
            {
                c.Parameters.AddWithValue("$run", runId);
                c.Parameters.AddWithValue("$task", taskId);
            },
            r => new TaskArtifact(this, r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4)));

    internal IReadOnlyList<EgressRecord> LoadEgress(long runId) =>
        Query(
            "SELECT seq, from_step, to_step, from_participant, to_participant, attribute, codec, size, sha256 FROM egress WHERE run_id = $run ORDER BY seq",
            c => c.Parameters.AddWithValue("$run", runId),
            r => new EgressRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7), r.GetString(8)));

    internal byte[] ReadBlob(string sha256) => _blobs.Get(sha256);

    internal string ReadText(string? sha256) => sha256 is null ? string.Empty : Encoding.UTF8.GetString(_blobs.Get(sha256));

    private const string RunColumns = "id, flow, started_at, ended_at, status, error, backend, checkpoint, collaborators, graph";

    private FlowRunInfo ReadRun(SqliteDataReader r) => new(
        this,
        r.GetInt64(0),
        r.GetString(1),
        ParseTime(r.GetString(2)),
        r.IsDBNull(3) ? null : ParseTime(r.GetString(3)),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.GetInt64(7) != 0,
        JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? [],
        FlowGraph.FromJson(r.GetString(9)));

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private List<T> Query<T>(string sql, Action<SqliteCommand>? bind, Func<SqliteDataReader, T> read)
    {
        lock (_gate)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            bind?.Invoke(command);
            using SqliteDataReader reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }
}
