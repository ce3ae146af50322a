using System.Diagnostics;
using System.Globalization;
using Confer.Workflow;
using FlowOverhead;

const int CollaboratorCount = 100;
const int Rounds = 10;
int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
string store = Path.Combine(Path.GetTempPath(), $"confer-flow-overhead-{Environment.ProcessId}");
string[] names = [.. Enumerable.Range(0, CollaboratorCount).Select(i => $"collaborator{i:D3}")];
var options = new LocalRuntimeOptions { RunStoreDirectory = store, EchoTaskOutput = false };
var runtime = new LocalRuntime(new Aggregator(), names.Select(n => new Collaborator(n)), LocalRuntimeBackend.Parallel, options);

// Tasks per run: Start, then per round one task per collaborator and a join, then End.
const int TasksPerRun = 1 + (Rounds * (CollaboratorCount + 1)) + 1;

try
{
    Console.WriteLine($"flow-overhead: {CollaboratorCount} collaborators, {Rounds} rounds, parallel backend (max parallelism {options.MaxParallelism}), {TasksPerRun} tasks per run, best of {repeats}");
    double baseline = Best(repeats, RunBaseline);
    double off = Best(repeats, () => Run(checkpoint: false));
    double on = Best(repeats, () => Run(checkpoint: true));
    Console.WriteLine($"flow-overhead checkpoint on: {on:0.0000} ms/task");
    Console.WriteLine($"flow-overhead: {off:0.0000} ms/task (baseline {baseline:0.0000} ms/task, ratio {off / baseline:0.0})");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(store, recursive: true);
}

void Run(bool checkpoint)
{
    var flow = new NoOpFlow { Rounds = Rounds, Checkpoint = checkpoint, Runtime = runtime };
    FlowRunResult result = flow.RunAsync().GetAwaiter().GetResult();
    if (result.TaskCount != TasksPerRun || flow.Total != Expected())
    {
        throw new InvalidOperationException($"The flow ran {result.TaskCount} tasks with total {flow.Total}; expected {TasksPerRun} and {Expected()}.");
    }
}

// The same work written by hand: a copy of the state per collaborator, the step body, a join over the copies.
void RunBaseline()
{
    long total = 0;
    var contributions = new long[CollaboratorCount];
    for (int round = 0; round < Rounds; round++)
    {
        for (int c = 0; c < CollaboratorCount; c++)
        {
            var copy = new { Round = round, Name = names[c] };
            contributions[c] = Steps.Work(copy.Round);
        }

        total += Steps.Join(contributions);
    }

    if (total != Expected())
    {
        throw new InvalidOperationException("The baseline computed a different total.");
    }
}

static long Expected() => Enumerable.Range(1, Rounds).Sum(r => (long)r * CollaboratorCount);

static double Best(int repeats, Action action)
{
    action();
    double best = double.MaxValue;
    for (int i = 0; i < repeats; i++)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds / TasksPerRun);
    }

    return best;
}
