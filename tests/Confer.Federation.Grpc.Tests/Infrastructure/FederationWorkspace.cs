using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Pki;
using Confer.Plan;
using Confer.Testing;
using Microsoft.Extensions.Logging;

namespace Confer.Testing;

/// <summary>
/// A real federation on disk in a temporary folder: an aggregator workspace with a CA and a
/// certified aggregator (localhost), collaborator workspaces with imported certificates, an echo
/// plan copied to every workspace and the initial model. Removed on dispose.
/// </summary>
internal sealed class FederationWorkspace : IDisposable
{
    private FederationWorkspace(string root, CertificateAuthority ca, int port)
    {
        Root = root;
        Ca = ca;
        Port = port;
    }

    public string Root { get; }

    public CertificateAuthority Ca { get; }

    public int Port { get; }

    public string AggregatorWorkspace => Path.Combine(Root, "aggregator");

    public List<string> Collaborators { get; } = [];

    public static FederationWorkspace Create(IReadOnlyList<string> collaborators, int rounds = 2, long modelSize = 1000, string? extraNetwork = null, string strategy = "fedavg", bool deltaUpdates = false, int? port = null, double trainStep = 0, bool writeLogs = false, Federation.Strategies.StrategyRegistry? strategies = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "confer-federation-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var aggregator = Path.Combine(root, "aggregator");
        var ca = CertificateAuthority.Create(aggregator);
        AggregatorCertificates.GenerateRequest(aggregator, "localhost");
        ca.CertifyAggregator("localhost");
        var workspace = new FederationWorkspace(root, ca, port ?? FreePort());
        WritePlan(aggregator, workspace.Port, rounds, modelSize, extraNetwork, strategy, deltaUpdates, collaborators, trainStep, writeLogs);
        foreach (var name in collaborators)
        {
            workspace.Enroll(name);
        }

        var catalog = TaskRunnerCatalog.CreateDefault();
        var plan = new PlanLoader(catalog.CreatePlanRegistry(strategies)).Load(aggregator);
        ModelStateSerializer.Save(catalog.CreateInitialModel(plan, seed: 1), Path.Combine(aggregator, plan.Aggregator.InitStatePath));
        return workspace;
    }

    /// <summary>Starts this workspace's aggregator on 127.0.0.1 (a free port), logging to <paramref name="logs"/>.</summary>
    public Task<AggregatorHost> StartAggregatorAsync(ILoggerProvider logs) =>
        AggregatorHost.StartAsync(new AggregatorOptions
        {
            WorkspaceDirectory = AggregatorWorkspace,
            ListenAddress = IPAddress.Loopback,
            Port = 0,
            ConfigureLogging = b => b.AddProvider(logs),
        }).DefaultTimeout();

    /// <summary>
    /// Runs the whole federation in this process: the aggregator and every enrolled collaborator,
    /// logging to <paramref name="logs"/>, until all of them finish; every collaborator must exit 0.
    /// </summary>
    public async Task RunToCompletionAsync(ILoggerProvider logs)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var host = await StartAggregatorAsync(logs);
        await using (host)
        {
            var collaborators = Collaborators.Select(name => CollaboratorHost.RunAsync(new CollaboratorOptions
            {
                WorkspaceDirectory = CollaboratorWorkspace(name),
                Name = name,
                AggregatorAddress = host.Address,
                LoggerFactory = loggerFactory,
            })).ToArray();
            var exitCodes = await Task.WhenAll(collaborators).DefaultTimeout(TimeSpan.FromMinutes(3));
            await host.Completion.DefaultTimeout(TimeSpan.FromMinutes(1));
            Assert.All(exitCodes, code => Assert.Equal(0, code));
        }
    }

    public string CollaboratorWorkspace(string name) => Path.Combine(Root, $"collaborator-{name}");

    /// <summary>Certifies a collaborator and gives it a workspace with the aggregator's plan (it is not added to cols.yaml here).</summary>
    public string Enroll(string name, bool copyPlan = true)
    {
        var workspace = CollaboratorWorkspace(name);
        var request = CollaboratorCertificates.GenerateRequest(workspace, name);
        var issued = Ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384);
        CollaboratorCertificates.Import(workspace, issued.SignedPackagePath!, Ca.Trust.RootFingerprintSha256);
        if (copyPlan)
        {
            CopyPlan(workspace);
        }

        Collaborators.Add(name);
        return workspace;
    }

    public void CopyPlan(string workspace)
    {
        var target = Path.Combine(workspace, "plan");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AggregatorWorkspace, "plan")))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }

    public FederationPlan LoadPlan(string? workspace = null) =>
        new PlanLoader(TaskRunnerCatalog.CreateDefault().CreatePlanRegistry()).Load(workspace ?? AggregatorWorkspace);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WritePlan(string workspace, int port, int rounds, long modelSize, string? extraNetwork, string strategy, bool deltaUpdates, IReadOnlyList<string> collaborators, double trainStep, bool writeLogs)
    {
        var plan = Path.Combine(workspace, "plan");
        Directory.CreateDirectory(plan);
        var text = string.Create(CultureInfo.InvariantCulture, $$"""
            aggregator:
              settings:
                rounds_to_train: {{rounds}}
                init_state_path: save/echo_init.pbuf
                best_state_path: save/echo_best.pbuf
                last_state_path: save/echo_last.pbuf
                write_logs: {{(writeLogs ? "true" : "false")}}
            collaborator:
              settings:
                delta_updates: {{(deltaUpdates ? "true" : "false")}}
            data_loader:
              template: none
            task_runner:
              template: echo
              settings:
                model_size: {{modelSize}}
                train_step: {{trainStep}}
            network:
              settings:
                agg_addr: localhost
                agg_port: {{port}}
                client_reconnect_interval: 0.2
            {{extraNetwork ?? string.Empty}}
            assigner:
              template: RandomGroupedAssigner
              settings:
                task_groups:
                  - name: learning
                    percentage: 1.0
                    tasks: [aggregated_model_validation, train, locally_tuned_model_validation]
            tasks:
              defaults: plan/defaults/tasks_torch.yaml
            strategy:
              template: {{strategy}}

            """);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), text);
        File.WriteAllText(Path.Combine(plan, "cols.yaml"), $"collaborators: [{string.Join(", ", collaborators)}]\n");
        File.WriteAllText(Path.Combine(plan, "data.yaml"), string.Concat(collaborators.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c}: {i}\n"))));
    }

    public void Dispose()
    {
        Ca.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
