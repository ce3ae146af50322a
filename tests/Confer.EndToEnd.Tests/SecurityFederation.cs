using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Grpc;
using Confer.Pki;
using Confer.Protos.V2;
using Confer.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace Confer.EndToEnd.Tests;

/// <summary>
/// One federation shared by the security tests, made with the built <c>confer</c> binary: the
/// aggregator and the honest collaborators alpha and beta are real processes. A third authorized
/// collaborator, gamma, is played by the test over mutual TLS; it validates only (a
/// <c>StaticGroupedAssigner</c> group of its own), and by holding back its round-2 reply it keeps
/// the aggregator in round 2 while the attacks are made. Attacker identities: mallory (certified by
/// the federation's CA, not in <c>plan/cols.yaml</c>), carol (certified, then revoked), and an
/// "alpha" certified by a CA of its own.
/// </summary>
public sealed class SecurityFederation : IAsyncLifetime
{
    /// <summary>The largest upload of one result the plan allows (<c>network.limits.max_total_upload_size</c>).</summary>
    public const long MaxTotalUploadSize = 65536;

    /// <summary>The round the attacks are made in.</summary>
    public const int AttackRound = 2;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(90);

    private readonly List<IDisposable> _credentials = [];
    private readonly SemaphoreSlim _finishing = new(1, 1);
    private LifecycleFederation? _federation;
    private FederationTrust? _trust;
    private SecurityOutcome? _outcome;

    internal LifecycleFederation Federation => _federation ?? throw new InvalidOperationException("The federation was not certified.");

    internal LifecycleConfer Aggregator { get; private set; } = null!;

    internal IReadOnlyList<LifecycleConfer> Honest { get; private set; } = [];

    public string PlanHash { get; private set; } = string.Empty;

    public Uri Address => new($"https://{LifecycleFederation.AggregatorFqdn}:{Federation.Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Where the aggregator keeps the results of round N before it aggregates them.</summary>
    public string RoundFolder(int round) => Path.Combine(Federation.Aggregator, "save", "federation", $"round_{round.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>gamma: an authorized collaborator the test plays.</summary>
    public NodeCredential Gamma { get; private set; } = null!;

    /// <summary>alpha's real credential, read from its workspace.</summary>
    public NodeCredential Alpha { get; private set; } = null!;

    /// <summary>Certified by the federation's CA, but not in <c>plan/cols.yaml</c>.</summary>
    public NodeCredential Mallory { get; private set; } = null!;

    /// <summary>Certified by the federation's CA, then revoked.</summary>
    public NodeCredential Carol { get; private set; } = null!;

    /// <summary>Common name "alpha", signed by a CA that is not the federation's.</summary>
    public NodeCredential ForeignAlpha { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _federation = await LifecycleFederation.CertifyAsync("echo", EditPlan, "alpha", "beta");
        string attackers = Path.Combine(Federation.Root, "attackers");
        using (CertificateAuthority ca = CertificateAuthority.Open(Federation.Aggregator))
        {
            Gamma = Enroll(ca, Path.Combine(attackers, "gamma"), "gamma");
            Mallory = Enroll(ca, Path.Combine(attackers, "mallory"), "mallory");
            Carol = Enroll(ca, Path.Combine(attackers, "carol"), "carol");
            ca.RevokeCollaborator("carol");
        }

        // The aggregator's operator authorizes gamma; mallory and carol are not listed.
        File.WriteAllText(Path.Combine(Federation.Aggregator, "plan", "cols.yaml"), "collaborators: [alpha, beta, gamma]\n");

        string foreign = Path.Combine(attackers, "foreign-ca");
        using (CertificateAuthority other = CertificateAuthority.Create(foreign))
        {
            ForeignAlpha = Enroll(other, Path.Combine(attackers, "foreign-alpha"), "alpha");
        }

        Alpha = Track(NodeCredential.LoadCollaborator(Federation.CollaboratorWorkspace("alpha"), "alpha"));
        _trust = Gamma.Trust;

        Aggregator = LifecycleConfer.Start(Federation.Aggregator, "aggregator", "start");
        await Aggregator.WaitForOutputAsync("Aggregator listening on", StartTimeout);
        PlanHash = LifecycleFederation.ValueAfter(Aggregator.Output, "for federation ").Split(' ')[0];
        Honest = [.. Federation.Collaborators.Select(name => LifecycleConfer.Start(Federation.CollaboratorWorkspace(name), "collaborator", "start", "-n", name))];

        // gamma takes part in round 1 honestly, then receives its round-2 task and holds it.
        using GrpcChannel channel = CreateChannel(Gamma);
        var client = new Protos.V2.Grid.GridClient(channel);
        PullMessagesResponse round1 = await NextTasksAsync(client, lastRound: 0);
        Assert.Equal(1, Round(round1));
        await UploadValidationAsync(client, round1);
        PullMessagesResponse round2 = await NextTasksAsync(client, lastRound: 1);
        Assert.Equal(AttackRound, Round(round2));
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_federation is not null && Aggregator is not null)
            {
                await FinishAsync();
            }
        }
        catch (Exception)
        {
            // A failure here was already reported by the test that asked to finish; disposal only cleans up.
        }
        finally
        {
            foreach (LifecycleConfer process in Honest.Prepend(Aggregator).Where(p => p is not null))
            {
                await process.DisposeAsync();
            }

            foreach (IDisposable credential in _credentials)
            {
                credential.Dispose();
            }

            _finishing.Dispose();
            _federation?.Dispose();
        }
    }

    /// <summary>A channel over mutual TLS 1.3 presenting <paramref name="credential"/>'s certificate (none when null); the aggregator is checked against the federation's CA.</summary>
    public GrpcChannel CreateChannel(NodeCredential? credential)
    {
        var validator = new AggregatorCertificateValidator(_trust ?? Gamma.Trust);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificateContext = credential?.CreateCertificateContext(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => validator.Validate(certificate, LifecycleFederation.AggregatorFqdn).IsAccepted,
            },
        };
        return GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxRetryAttempts = 0 });
    }

    /// <summary>The headers every call carries: the collaborator acted as, and the federation id.</summary>
    public Metadata Headers(string claimed, string? planHash = null) => new()
    {
        { FederationHeaders.Collaborator, claimed },
        { FederationHeaders.PlanHash, planHash ?? PlanHash },
    };

    /// <summary>
    /// gamma sends its held round-2 reply and is told to quit; then every process must end by
    /// itself. Runs once; later callers get the same outcome.
    /// </summary>
    internal async Task<SecurityOutcome> FinishAsync()
    {
        await _finishing.WaitAsync();
        try
        {
            if (_outcome is not null)
            {
                return _outcome;
            }

            using GrpcChannel channel = CreateChannel(Gamma);
            var client = new Protos.V2.Grid.GridClient(channel);
            PullMessagesResponse held = await NextTasksAsync(client, lastRound: 1);
            Assert.Equal(AttackRound, Round(held));
            await UploadValidationAsync(client, held);
            PullMessagesResponse quit = await NextTasksAsync(client, lastRound: AttackRound);
            Assert.True(quit.Quit, $"gamma expected quit after the last round, got {quit}");

            var results = new List<LifecycleResult>();
            foreach (LifecycleConfer process in Honest.Prepend(Aggregator))
            {
                results.Add(await process.WaitAsync(FinishTimeout));
            }

            _outcome = new SecurityOutcome(results[0], results.Skip(1).ToList());
            return _outcome;
        }
        finally
        {
            _finishing.Release();
        }
    }

    private static int Round(PullMessagesResponse response) => response.Messages.Count > 0 ? response.Messages[0].Round : 0;

    private async Task<PullMessagesResponse> NextTasksAsync(Protos.V2.Grid.GridClient client, int lastRound)
    {
        while (true)
        {
            PullMessagesResponse response = await client.PullMessagesAsync(new PullMessagesRequest(), Headers("gamma")).ResponseAsync.DefaultTimeout();
            if (!response.Retry && (response.Quit || Round(response) > lastRound))
            {
                return response;
            }
        }
    }

    private async Task UploadValidationAsync(Protos.V2.Grid.GridClient client, PullMessagesResponse tasks)
    {
        foreach (TaskMessage task in tasks.Messages)
        {
            var header = new ReplyHeader { ReplyTo = task.MessageId, Collaborator = "gamma", Round = task.Round, Kind = task.Kind, ExampleCount = 1 };
            header.Metrics["acc"] = 0;
            using AsyncClientStreamingCall<ReplyChunk, PushReplyResponse> call = client.PushReply(Headers("gamma"));
            await call.RequestStream.WriteAsync(new ReplyChunk { Header = header }).DefaultTimeout();
            await call.RequestStream.CompleteAsync().DefaultTimeout();
            await call.ResponseAsync.DefaultTimeout();
        }
    }

    private NodeCredential Enroll(CertificateAuthority ca, string workspace, string name)
    {
        CertificateRequestResult request = CollaboratorCertificates.GenerateRequest(workspace, name);
        IssuedCertificate issued = ca.CertifyCollaborator(request.PackagePath!, request.CsrSha384, outputDirectory: workspace);
        CollaboratorCertificates.Import(workspace, issued.SignedPackagePath!, ca.Trust.RootFingerprintSha256);
        return Track(NodeCredential.LoadCollaborator(workspace, name));
    }

    private NodeCredential Track(NodeCredential credential)
    {
        _credentials.Add(credential);
        return credential;
    }

    /// <summary>
    /// A small echo model, an upload limit the tests can exceed cheaply, and gamma in a validation
    /// group of its own, so that a round-1 train reply from gamma was never acknowledged.
    /// </summary>
    private static string EditPlan(string text)
    {
        text = Replace(text, "model_size: 100000", "model_size: 1000");
        text = Replace(text, "    agg_port: 50051\n", $"    agg_port: 50051\n    client_reconnect_interval: 0.2\n    limits:\n      max_total_upload_size: {MaxTotalUploadSize.ToString(CultureInfo.InvariantCulture)}\n");
        text = Replace(text, "assigner:\n  defaults: plan/defaults/assigner.yaml\n", """
            assigner:
              template: StaticGroupedAssigner
              settings:
                task_groups:
                  - name: learning
                    collaborators: [alpha, beta]
                    tasks: [aggregated_model_validation, train, locally_tuned_model_validation]
                  - name: validation
                    collaborators: [gamma]
                    tasks: [aggregated_model_validation]

            """);
        return text;
    }

    private static string Replace(string text, string old, string replacement) =>
        text.Contains(old, StringComparison.Ordinal)
            ? text.Replace(old, replacement, StringComparison.Ordinal)
            : throw new InvalidOperationException($"The echo template's plan.yaml no longer contains '{old}'; update SecurityFederation.EditPlan.");
}

/// <summary>How the shared federation ended: the aggregator's run, then alpha's and beta's.</summary>
internal sealed record SecurityOutcome(LifecycleResult Aggregator, IReadOnlyList<LifecycleResult> Honest)
{
    public override string ToString() => string.Join("\n\n", Honest.Prepend(Aggregator));
}
