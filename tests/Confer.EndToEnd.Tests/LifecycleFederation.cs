using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// The paper's lifecycle steps 1–14 with the built <c>confer</c> binary, in a temporary folder
/// standing for three nodes: the aggregator's workspace <c>agg/</c> and one workspace per
/// collaborator, each made by <c>workspace import</c> of the aggregator's export.
/// </summary>
internal sealed class LifecycleFederation : IDisposable
{
    public const string AggregatorFqdn = "localhost";

    /// <summary>
    /// The seed of the initial weights (<c>plan initialize --seed</c>), so every run of a test
    /// federation starts from the same model. <c>CONFER_E2E_INIT_SEED</c> picks another start, to
    /// see how much a figure depends on it.
    /// </summary>
    public static readonly int InitialWeightsSeed =
        int.TryParse(Environment.GetEnvironmentVariable("CONFER_E2E_INIT_SEED"), System.Globalization.CultureInfo.InvariantCulture, out int seed) ? seed : 1;

    private LifecycleFederation(string root, int port, IReadOnlyList<string> collaborators)
    {
        Root = root;
        Port = port;
        Collaborators = collaborators;
    }

    public string Root { get; }

    public int Port { get; }

    public IReadOnlyList<string> Collaborators { get; }

    public string Aggregator => Path.Combine(Root, "agg");

    public string ArchivePath => Path.Combine(Aggregator, "agg.zip");

    /// <summary>Every command's result, in order, for failure messages.</summary>
    public List<LifecycleResult> Transcript { get; } = [];

    public string CollaboratorWorkspace(string name) => Path.Combine(Root, name, "agg");

    public static Task<LifecycleFederation> CertifyAsync(params string[] collaborators) => CertifyAsync("echo", new LifecycleSetup(), collaborators);

    /// <summary>The steps with another template; <paramref name="editPlan"/> rewrites plan/plan.yaml's text right after the workspace is created.</summary>
    public static Task<LifecycleFederation> CertifyAsync(string template, Func<string, string>? editPlan, params string[] collaborators) =>
        CertifyAsync(template, new LifecycleSetup { EditPlan = editPlan }, collaborators);

    /// <summary>The steps with another template and <paramref name="setup"/>'s changes.</summary>
    public static async Task<LifecycleFederation> CertifyAsync(string template, LifecycleSetup setup, params string[] collaborators)
    {
        string root = Directory.CreateTempSubdirectory("confer-lifecycle-").FullName;
        var federation = new LifecycleFederation(root, FreePort(), collaborators);
        try
        {
            await federation.RunStepsAsync(template, setup);
            return federation;
        }
        catch
        {
            federation.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }

    private async Task RunStepsAsync(string template, LifecycleSetup setup)
    {
        // On the aggregator's node.
        await Step(Root, "workspace", "create", "--prefix", "agg", "--template", template);                             // 1 (2: cd agg)
        if (setup.EditPlan is not null)
        {
            string planFile = Path.Combine(Aggregator, "plan", "plan.yaml");
            File.WriteAllText(planFile, setup.EditPlan(File.ReadAllText(planFile)));
        }

        setup.EditWorkspace?.Invoke(Aggregator);

        await Step(Aggregator, "plan", "initialize", "-a", AggregatorFqdn, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", InitialWeightsSeed.ToString(System.Globalization.CultureInfo.InvariantCulture)); // 3
        await Step(Aggregator, "workspace", "certify");                                                                 // 4
        await Step(Aggregator, "aggregator", "generate-cert-request", "--fqdn", AggregatorFqdn);                        // 5
        await Step(Aggregator, "aggregator", "certify", "--fqdn", AggregatorFqdn);                                      // 6
        await Step(Aggregator, "workspace", "export");                                                                  // 7

        int shard = 0;
        foreach (string name in Collaborators)
        {
            // On the collaborator's node: the archive was copied there (8), imported, and entered (9).
            string node = Path.Combine(Root, name);
            Directory.CreateDirectory(node);
            File.Copy(ArchivePath, Path.Combine(node, "agg.zip"));
            await Step(node, "workspace", "import", "--archive", "agg.zip");                                            // 8, 9
            string workspace = CollaboratorWorkspace(name);
            LifecycleResult request = await Step(workspace, "collaborator", "generate-cert-request", "-n", name, "--data-path", setup.DataPath?.Invoke(name) ?? (++shard).ToString(System.Globalization.CultureInfo.InvariantCulture)); // 10
            string hash = ValueAfter(request.Output, "CSR SHA-384:");

            // The package travels to the aggregator's operator, with the hash read out of band (11).
            string package = $"col_{name}_to_agg_cert_request.zip";
            File.Copy(Path.Combine(workspace, package), Path.Combine(Aggregator, package));
            LifecycleResult signed = await Step(Aggregator, "collaborator", "certify", "--request-pkg", package, "--hash", hash); // 12
            string fingerprint = ValueAfter(signed.Output, "Root CA SHA-256 fingerprint:");

            // The signed package travels back, with the root fingerprint (13), and is imported (14).
            string answer = $"agg_to_col_{name}_signed_cert.zip";
            File.Copy(Path.Combine(Aggregator, answer), Path.Combine(workspace, answer));
            await Step(workspace, "collaborator", "certify", "--import", answer, "--root-fingerprint", fingerprint);      // 14
        }
    }

    private async Task<LifecycleResult> Step(string directory, params string[] args)
    {
        LifecycleResult result = await LifecycleConfer.RunAsync(directory, args);
        Transcript.Add(result);
        Assert.True(result.ExitCode == 0, string.Join("\n\n", Transcript));
        return result;
    }

    /// <summary>
    /// Starts the aggregator and every collaborator (<c>confer aggregator start</c>,
    /// <c>confer collaborator start -n NAME</c>), waits for all of them, asserts each ended with
    /// exit 0 and returns their results, the aggregator's first.
    /// </summary>
    public async Task<IReadOnlyList<LifecycleResult>> RunToTheEndAsync(TimeSpan timeout)
    {
        var processes = new List<LifecycleConfer>();
        try
        {
            processes.Add(LifecycleConfer.Start(Aggregator, "aggregator", "start"));
            foreach (string name in Collaborators)
            {
                processes.Add(LifecycleConfer.Start(CollaboratorWorkspace(name), "collaborator", "start", "-n", name));
            }

            var results = new List<LifecycleResult>();
            foreach (LifecycleConfer process in processes)
            {
                results.Add(await process.WaitAsync(timeout));
            }

            string transcript = string.Join("\n\n", Transcript.Concat(results));
            Assert.All(results, r => Assert.True(r.ExitCode == 0, transcript));
            return results;
        }
        finally
        {
            foreach (LifecycleConfer process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    public static string ValueAfter(string output, string label)
    {
        string line = output.Split('\n').First(l => l.Contains(label, StringComparison.Ordinal));
        return line[(line.IndexOf(label, StringComparison.Ordinal) + label.Length)..].Trim();
    }

    public static string Sha384(string path) => Convert.ToHexStringLower(SHA384.HashData(File.ReadAllBytes(path)));

    /// <summary>A port nobody listens on now; the aggregator binds it a moment later.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What a test changes in the lifecycle steps.</summary>
internal sealed record LifecycleSetup
{
    /// <summary>Rewrites plan/plan.yaml's text right after the workspace is created.</summary>
    public Func<string, string>? EditPlan { get; init; }

    /// <summary>Changes files of the aggregator's workspace (its code/, say) right after it is created.</summary>
    public Action<string>? EditWorkspace { get; init; }

    /// <summary>Each collaborator's data path (its line in plan/data.yaml); absent: shards 1, 2, ...</summary>
    public Func<string, string>? DataPath { get; init; }
}
