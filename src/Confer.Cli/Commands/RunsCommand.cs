using System.CommandLine;
using System.Globalization;
using Confer.Cli.Commands.Runs;
using Confer.Workflow;
using Spectre.Console;

namespace Confer.Cli.Commands;

/// <summary>
/// <c>confer runs</c>: inspect the runs of flows kept in a run store (what OpenFL users did with
/// the Metaflow client): list, show, task, logs, graph and egress.
/// </summary>
internal static class RunsCommand
{
    public static Command Create() => Create(() => Console.Out, () => Console.Error);

    /// <summary>Builds the command writing to the given writers (tests pass string writers).</summary>
    internal static Command Create(Func<TextWriter> output, Func<TextWriter> error)
    {
        var command = new Command("runs", "Inspect flow runs in a run store: list, show, task, logs, graph, egress.");
        command.Subcommands.Add(List(output, error));
        command.Subcommands.Add(Show(output, error));
        command.Subcommands.Add(TaskCommand(output, error));
        command.Subcommands.Add(Logs(output, error));
        command.Subcommands.Add(Graph(output, error));
        command.Subcommands.Add(Egress(output, error));
        return command;
    }

    private static Option<string> StoreOption() => new("--store")
    {
        Description = "The run store folder (default: $CONFER_RUNS or ~/.confer/runs).",
        DefaultValueFactory = _ => RunStore.DefaultDirectory,
    };

    private static Argument<long> RunArgument() => new("RUN") { Description = "The run id (see 'confer runs list')." };

    private static Command List(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var flow = new Option<string?>("--flow") { Description = "Only runs of this flow." };
        var command = new Command("list", "List runs, newest first.") { store, flow };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            IAnsiConsole console = RunsConsole.Create(output());
            var table = new Table().AddColumns("Run", "Flow", "Started (UTC)", "Duration", "Status", "Backend", "Checkpoint", "Collaborators", "Egress");
            foreach (FlowRunInfo run in runs.Runs(parse.GetValue(flow)))
            {
                table.AddRow(
                    run.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(run.FlowName),
                    RunsConsole.Time(run.StartedAt),
                    RunsConsole.Duration(run.StartedAt, run.EndedAt),
                    run.Status,
                    run.Backend,
                    run.Checkpoint ? "yes" : "no",
                    run.Collaborators.Count.ToString(CultureInfo.InvariantCulture),
                    RunsConsole.Bytes(run.Egress.Sum(e => e.Size)));
            }

            console.Write(table);
        }));
        return command;
    }

    private static Command Show(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var runId = RunArgument();
        var command = new Command("show", "Show a run: its status, participants and steps.") { runId, store };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            FlowRunInfo run = runs.GetRun(parse.GetValue(runId));
            IAnsiConsole console = RunsConsole.Create(output());
            console.WriteLine($"{run}  {run.Status}");
            console.WriteLine($"started {RunsConsole.Time(run.StartedAt)}, ended {RunsConsole.Time(run.EndedAt)}, backend {run.Backend}, checkpoint {(run.Checkpoint ? "on" : "off")}");
            console.WriteLine($"collaborators: {string.Join(", ", run.Collaborators)}");
            if (run.Error is not null)
            {
                console.WriteLine($"error: {run.Error}");
            }

            if (!run.Checkpoint)
            {
                console.WriteLine("No tasks were recorded (checkpoint off); 'confer runs egress' still lists what crossed between participants.");
                return;
            }

            var table = new Table().AddColumns("Step", "Tasks", "Participants", "Failed", "First start", "Last end");
            foreach (StepInfo step in run.Steps)
            {
                table.AddRow(
                    Markup.Escape(step.Name),
                    step.Tasks.Count.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", step.Tasks.Select(t => t.Participant).Distinct())),
                    step.Tasks.Count(t => t.Status != "completed").ToString(CultureInfo.InvariantCulture),
                    RunsConsole.Time(step.Tasks.Min(t => t.StartedAt)),
                    RunsConsole.Time(step.Tasks.Max(t => t.EndedAt)));
            }

            console.Write(table);
        }));
        return command;
    }

    private static Command TaskCommand(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var runId = RunArgument();
        var step = new Argument<string>("STEP") { Description = "The step name (e.g. Train)." };
        var participant = new Argument<string>("PARTICIPANT") { Description = "The participant (e.g. Portland, or aggregator)." };
        var command = new Command("task", "Show the tasks of a step on a participant (one per round) and the data each carried.") { runId, step, participant, store };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            IReadOnlyList<TaskInfo> tasks = FindTasks(runs, parse.GetValue(runId), parse.GetValue(step)!, parse.GetValue(participant)!);
            IAnsiConsole console = RunsConsole.Create(output());
            foreach (TaskInfo task in tasks)
            {
                console.WriteLine($"{task}  {task.Status}  on {task.Participant}{(task.Input is null ? string.Empty : $" (input {task.Input})")}");
                console.WriteLine($"started {RunsConsole.Time(task.StartedAt)}, took {RunsConsole.Duration(task.StartedAt, task.EndedAt)}, next {task.NextStep ?? "-"}");
                if (task.Error is not null)
                {
                    console.WriteLine($"error: {task.Error}");
                }

                var table = new Table().AddColumns("Attribute", "Type", "Codec", "Size", "SHA-256", "Value");
                foreach (TaskArtifact artifact in task.Data.Artifacts)
                {
                    table.AddRow(
                        Markup.Escape(artifact.Name),
                        Markup.Escape(artifact.TypeName),
                        artifact.Codec,
                        RunsConsole.Bytes(artifact.Size),
                        artifact.Sha256[..16],
                        Markup.Escape(artifact.Describe()));
                }

                console.Write(table);
                console.WriteLine();
            }
        }));
        return command;
    }

    private static Command Logs(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var runId = RunArgument();
        var step = new Argument<string>("STEP") { Description = "The step name." };
        var participant = new Argument<string>("PARTICIPANT") { Description = "The participant." };
        var command = new Command("logs", "Print what the tasks of a step on a participant wrote to stdout and stderr.") { runId, step, participant, store };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            TextWriter writer = output();
            foreach (TaskInfo task in FindTasks(runs, parse.GetValue(runId), parse.GetValue(step)!, parse.GetValue(participant)!))
            {
                writer.WriteLine($"== {task} stdout ==");
                writer.Write(task.Stdout.Length == 0 ? "[No output]" + Environment.NewLine : task.Stdout);
                writer.WriteLine($"== {task} stderr ==");
                writer.Write(task.Stderr.Length == 0 ? "[No output]" + Environment.NewLine : task.Stderr);
            }
        }));
        return command;
    }

    private static Command Graph(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var target = new Argument<string>("FLOW-or-RUN") { Description = "A run id, or a flow name (its latest run's graph)." };
        var dot = new Option<FileInfo?>("--dot") { Description = "Also write the graph as Graphviz DOT to this file." };
        var svg = new Option<FileInfo?>("--svg") { Description = "Also write the graph as SVG to this file (no Graphviz needed)." };
        var command = new Command("graph", "Show a flow's step graph as text; optionally write DOT or SVG.") { target, store, dot, svg };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            string name = parse.GetValue(target)!;
            FlowRunInfo run = long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long id)
                ? runs.GetRun(id)
                : runs.LatestRun(name) ?? throw new KeyNotFoundException($"No runs of a flow named '{name}' in {runs.Directory} (flows: {string.Join(", ", runs.Flows())}).");
            TextWriter writer = output();
            writer.Write(run.Graph.ToText().Replace("\n", Environment.NewLine, StringComparison.Ordinal));
            if (parse.GetValue(dot) is { } dotFile)
            {
                File.WriteAllText(dotFile.FullName, run.Graph.ToDot());
                writer.WriteLine($"wrote {dotFile.FullName}");
            }

            if (parse.GetValue(svg) is { } svgFile)
            {
                File.WriteAllText(svgFile.FullName, run.Graph.ToSvg());
                writer.WriteLine($"wrote {svgFile.FullName}");
            }
        }));
        return command;
    }

    private static Command Egress(Func<TextWriter> output, Func<TextWriter> error)
    {
        var store = StoreOption();
        var runId = RunArgument();
        var command = new Command("egress", "List what crossed between participants: attribute, sender, receiver, encoded size and SHA-256.") { runId, store };
        command.SetAction(parse => Guard(error, () =>
        {
            using RunStore runs = RunStore.Open(parse.GetValue(store));
            FlowRunInfo run = runs.GetRun(parse.GetValue(runId));
            IReadOnlyList<EgressRecord> egress = run.Egress;
            IAnsiConsole console = RunsConsole.Create(output());
            console.WriteLine($"{run}: {egress.Count} attribute transfers, {RunsConsole.Bytes(egress.Sum(e => e.Size))} in all");
            string[] participants = [.. egress.Select(e => e.FromParticipant).Concat(egress.Select(e => e.ToParticipant)).Distinct().Order(StringComparer.Ordinal)];
            var summary = new Table().AddColumns("Participant", "Sent", "Sent bytes", "Received", "Received bytes", "Attributes sent");
            foreach (string participant in participants)
            {
                EgressRecord[] sent = [.. egress.Where(e => e.FromParticipant == participant)];
                EgressRecord[] received = [.. egress.Where(e => e.ToParticipant == participant)];
                summary.AddRow(
                    Markup.Escape(participant),
                    sent.Length.ToString(CultureInfo.InvariantCulture),
                    RunsConsole.Bytes(sent.Sum(e => e.Size)),
                    received.Length.ToString(CultureInfo.InvariantCulture),
                    RunsConsole.Bytes(received.Sum(e => e.Size)),
                    Markup.Escape(string.Join(", ", sent.Select(e => e.Attribute).Distinct())));
            }

            console.Write(summary);
            var detail = new Table().AddColumns("#", "From", "To", "Transition", "Attribute", "Codec", "Size", "SHA-256");
            foreach (EgressRecord record in egress)
            {
                detail.AddRow(
                    record.Sequence.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(record.FromParticipant),
                    Markup.Escape(record.ToParticipant),
                    Markup.Escape($"{record.FromStep} -> {record.ToStep}"),
                    Markup.Escape(record.Attribute),
                    record.Codec,
                    record.Size.ToString(CultureInfo.InvariantCulture),
                    record.Sha256);
            }

            console.Write(detail);
        }));
        return command;
    }

    private static IReadOnlyList<TaskInfo> FindTasks(RunStore runs, long runId, string step, string participant)
    {
        FlowRunInfo run = runs.GetRun(runId);
        IReadOnlyList<TaskInfo> tasks = run.Step(step).TasksOf(participant);
        return tasks.Count > 0
            ? tasks
            : throw new KeyNotFoundException($"Step '{step}' of run {runId} has no task on '{participant}' (participants: {string.Join(", ", run.Step(step).Tasks.Select(t => t.Participant).Distinct())}).");
    }

    private static int Guard(Func<TextWriter> error, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is KeyNotFoundException or DirectoryNotFoundException or FileNotFoundException or IOException or FormatException)
        {
            error().WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
