using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Pki;
using Confer.Plan;

namespace FederationBench;

/// <summary>
/// One benchmark run: a federation on disk in a temporary folder (a CA, the aggregator certified
/// for localhost, each collaborator with its own key, certificate and workspace, an echo plan with
/// the one task <c>train</c>), the aggregator in its own process and each collaborator a
/// <c>confer collaborator start</c> process of the built CLI.
/// </summary>
internal static class FederationRun
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var repo = FindRepositoryRoot();
        var confer = Path.Combine(repo, "src", "Confer.Cli", "bin", "Release", "net10.0", "confer.dll");
        if (!File.Exists(confer))
        {
            await Console.Error.WriteLineAsync($"{confer} does not exist: build the CLI first (dotnet build src/Confer.Cli -c Release).").ConfigureAwait(false);
            return 1;
        }

        var root = Directory.CreateTempSubdirectory("confer-federation-bench-").FullName;
        try
        {
            var names = Enumerable.Range(1, settings.Collaborators).Select(i => string.Create(CultureInfo.InvariantCulture, $"col{i:D2}")).ToList();
            var port = FreePort();
            var (aggregatorWorkspace, modelBytes) = Setup(root, names, port, settings);
            var result = await RunFederationAsync(root, aggregatorWorkspace, names, port, confer).ConfigureAwait(false);
            Report(settings, result, modelBytes, root);
            return 0;
        }
        finally
        {
            if (!settings.Keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    internal static (string Workspace, long ModelBytes) Setup(string root, List<string> names, int port, BenchSettings settings)
    {
        var aggregator = Path.Combine(root, "aggregator");
        using var ca = CertificateAuthority.Create(aggregator);
        AggregatorCertificates.GenerateRequest(aggregator, "localhost");
        ca.CertifyAggregator("localhost");
        WritePlan(aggregator, port, settings, names);
        foreach (var name in names)
        {
            var workspace = Path.Combine(root, name);
            var request = CollaboratorCertificates.GenerateRequest(workspace, name);
            var issued = ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384);
            CollaboratorCertificates.Import(workspace, issued.SignedPackagePath!, ca.Trust.RootFingerprintSha256);
            var target = Path.Combine(workspace, "plan");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(aggregator, "plan")))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }

        var catalog = TaskRunnerCatalog.CreateDefault();
        var plan = new PlanLoader(catalog.CreatePlanRegistry()).Load(aggregator);
        var initial = catalog.CreateInitialModel(plan, seed: 1);
        ModelStateSerializer.Save(initial, Path.Combine(aggregator, plan.Aggregator.InitStatePath));
        return (aggregator, initial.ByteCount);
    }

    private static async Task<RunResult> RunFederationAsync(string root, string aggregatorWorkspace, List<string> names, int port, string confer)
    {
        var self = typeof(FederationRun).Assembly.Location;
        var logs = Directory.CreateDirectory(Path.Combine(root, "logs")).FullName;
        using var aggregator = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { self, "aggregator", aggregatorWorkspace, port.ToString(CultureInfo.InvariantCulture), Path.Combine(logs, "aggregator.log") },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var rounds = new List<RoundFigures>();
        long peakRss = -1;
        long wireTotal = -1;
        var line = await aggregator.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        if (line != "listening")
        {
            throw new InvalidOperationException($"the aggregator did not start: {line}; see {logs}/aggregator.log");
        }

        var collaborators = names.Select(name => Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec dotnet \"{confer}\" collaborator start -n {name} -w \"{Path.Combine(root, name)}\" > \"{Path.Combine(logs, name + ".log")}\" 2>&1" },
            UseShellExecute = false,
        })!).ToList();

        while ((line = await aggregator.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "round":
                    rounds.Add(new RoundFigures(
                        double.Parse(parts[2], CultureInfo.InvariantCulture),
                        long.Parse(parts[3], CultureInfo.InvariantCulture),
                        long.Parse(parts[4], CultureInfo.InvariantCulture),
                        long.Parse(parts[5], CultureInfo.InvariantCulture),
                        double.Parse(parts[6], CultureInfo.InvariantCulture),
                        int.Parse(parts[7], CultureInfo.InvariantCulture)));
                    break;
                case "peak-rss":
                    peakRss = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    break;
                case "wire-total":
                    wireTotal = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    break;
            }
        }

        await aggregator.WaitForExitAsync().ConfigureAwait(false);
        foreach (var collaborator in collaborators)
        {
            await collaborator.WaitForExitAsync().ConfigureAwait(false);
        }

        var failed = collaborators.Select((p, i) => (p.ExitCode, Name: names[i])).Where(c => c.ExitCode != 0).ToList();
        if (aggregator.ExitCode != 0 || failed.Count > 0)
        {
            throw new InvalidOperationException($"the federation failed (aggregator exit {aggregator.ExitCode}; collaborators {string.Join(", ", failed.Select(f => $"{f.Name} exit {f.ExitCode}"))}); logs in {logs}");
        }

        foreach (var collaborator in collaborators)
        {
            collaborator.Dispose();
        }

        return new RunResult(rounds, wireTotal, peakRss);
    }

    private static void Report(BenchSettings settings, RunResult result, long modelBytes, string root)
    {
        var c = CultureInfo.InvariantCulture;
        var rounds = result.Rounds;
        Console.WriteLine(string.Create(c, $"{settings.Name}: {settings.Collaborators} `confer collaborator start` processes and one aggregator process, mutual TLS 1.3 on 127.0.0.1, echo task runner (task train), {settings.ModelSize:N0} float32 values ({modelBytes / 1e6:F1} MB), {settings.Rounds} rounds"));
        Console.WriteLine(string.Create(c, $"round seconds (aggregator clock): {string.Join(" ", rounds.Select((r, i) => $"r{i + 1}={r.Seconds:F3}"))}"));
        Console.WriteLine("round 1 is excluded: it includes the collaborators' process start-up, TLS handshakes and JIT");
        var timed = rounds.Skip(1).Select(r => r.Seconds).ToList();
        var wire = rounds.Skip(1).Select((r, i) => (double)(r.Wire - rounds[i].Wire)).ToList();
        double moved = 2.0 * settings.Collaborators * modelBytes;
        var wireMedian = Median(wire);
        Console.WriteLine(string.Create(c, $"bytes on the wire per round (aggregator's sockets, below TLS): median {wireMedian / 1e6:F2} MB; tensor bytes moved 2 x {settings.Collaborators} x {modelBytes:N0} = {moved / 1e6:F2} MB; ratio {wireMedian / moved:F3} (goal <= 1.05)"));
        Console.WriteLine(string.Create(c, $"bytes on the wire, whole run including start-up and quit: {result.WireTotal / 1e6:F1} MB"));
        Console.WriteLine(string.Create(c, $"aggregator peak RSS (VmHWM): {result.PeakRss / 1048576.0:F0} MiB; at round ends, GC live heap up to {rounds.Max(r => r.GcHeap) / 1048576.0:F0} MiB, GC committed up to {rounds.Max(r => r.GcCommitted) / 1048576.0:F0} MiB"));
        var cpu = rounds.Skip(1).Select((r, i) => r.CpuSeconds - rounds[i].CpuSeconds).ToList();
        var gen2 = rounds[^1].Gen2Collections - rounds[0].Gen2Collections;
        Console.WriteLine(string.Create(c, $"aggregator CPU per round: median {Median(cpu):F3} s; gen-2 collections in rounds 2..{rounds.Count}: {gen2}"));
        Console.WriteLine(string.Create(c, $"round seconds r2..r{rounds.Count}: min {timed.Min():F3}, median {Median(timed):F3}, max {timed.Max():F3}"));
        if (settings.Keep)
        {
            Console.WriteLine($"logs kept in {Path.Combine(root, "logs")}");
        }

        var median = Median(timed);
        Console.WriteLine(string.Create(c, $"{settings.Name}: {Format(median)} s/round (baseline {settings.BaselineSeconds.ToString(c)} s/round, ratio {median / settings.BaselineSeconds:F2})"));
    }

    private static string Format(double seconds) =>
        seconds.ToString(seconds < 1 ? "F3" : "F2", CultureInfo.InvariantCulture);

    internal static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void WritePlan(string workspace, int port, BenchSettings settings, List<string> names)
    {
        var plan = Path.Combine(workspace, "plan");
        Directory.CreateDirectory(plan);
        var limits = settings.ChunkSize > 0
            ? string.Create(CultureInfo.InvariantCulture, $"\n    limits:\n      chunk_size: {settings.ChunkSize}")
            : string.Empty;
        var text = string.Create(CultureInfo.InvariantCulture, $$"""
            aggregator:
              settings:
                rounds_to_train: {{settings.Rounds}}
                init_state_path: save/echo_init.pbuf
                best_state_path: save/echo_best.pbuf
                last_state_path: save/echo_last.pbuf
            collaborator:
              settings:
                delta_updates: false
            data_loader:
              template: none
            task_runner:
              template: echo
              settings:
                model_size: {{settings.ModelSize}}
                tensor_count: 1
            network:
              settings:
                agg_addr: localhost
                agg_port: {{port}}
                client_reconnect_interval: 0.2{{limits}}
            assigner:
              template: RandomGroupedAssigner
              settings:
                task_groups:
                  - name: learning
                    percentage: 1.0
                    tasks: [train]
            tasks:
              train:
                function: train_task
                kwargs:
                  epochs: 1
                  metrics: [loss]
            strategy:
              template: fedavg

            """);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), text);
        File.WriteAllText(Path.Combine(plan, "cols.yaml"), $"collaborators: [{string.Join(", ", names)}]\n");
        File.WriteAllText(Path.Combine(plan, "data.yaml"), string.Concat(names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n}: {i}\n"))));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Confer.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Confer.slnx not found above the benchmark's folder.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The aggregator's figures when a round finished: its duration, the wire bytes so far, the GC's live heap and committed memory, CPU seconds and gen-2 collections so far.</summary>
    private sealed record RoundFigures(double Seconds, long Wire, long GcHeap, long GcCommitted, double CpuSeconds, int Gen2Collections);

    private sealed record RunResult(List<RoundFigures> Rounds, long WireTotal, long PeakRss);
}
