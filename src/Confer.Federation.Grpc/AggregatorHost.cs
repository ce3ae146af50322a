using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Controllers;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.Plans;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Confer.Pki;
using Confer.Plan;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc;

/// <summary>
/// A running aggregator: Kestrel serving the federation's gRPC grid over mutual TLS 1.3, and the
/// one round controller driving the plan's strategy (<see cref="PlanStrategy"/>) over it, with
/// the round checkpoint and stored replies of <c>save/federation/</c>. <see cref="Completion"/>
/// ends when every round is trained and the collaborators have been told to quit.
/// </summary>
public sealed class AggregatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RoundController _controller;
    private readonly GrpcGrid _grid;
    private readonly FederationPlan _plan;
    private readonly WireCounter? _wire;
    private readonly NodeCredential? _credential;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<double> _roundSeconds = [];

    private AggregatorHost(WebApplication app, FederationPlan plan, GrpcGrid grid, Func<IProgress<RoundProgress>, RoundController> controller, WireCounter? wire, NodeCredential? credential, Uri address)
    {
        _app = app;
        _plan = plan;
        _grid = grid;
        _controller = controller(new RoundSecondsProgress(_roundSeconds));
        _wire = wire;
        _credential = credential;
        Address = address;
        Completion = RunAsync();
    }

    /// <summary>The address the aggregator listens on (with the actual port when port 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The federation id the aggregator serves.</summary>
    public string PlanHash => _plan.Hash;

    /// <summary>Ends when the federation is over; faults when the aggregator fails.</summary>
    public Task Completion { get; }

    /// <summary>The duration of each finished round in seconds, from the aggregator's clock.</summary>
    public IReadOnlyList<double> RoundSeconds
    {
        get
        {
            lock (_roundSeconds)
            {
                return [.. _roundSeconds];
            }
        }
    }

    /// <summary>Bytes read and written on all connections (below TLS), when <see cref="AggregatorOptions.CountWireBytes"/> is on.</summary>
    public (long Read, long Written) WireBytes => _wire is null ? (0, 0) : (_wire.BytesRead, _wire.BytesWritten);

    /// <summary>Loads the plan and credentials of the workspace and starts listening.</summary>
    /// <param name="options">The workspace and how to run.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running aggregator.</returns>
    /// <exception cref="InvalidOperationException">The plan asks for plaintext without <see cref="AggregatorOptions.Insecure"/>, or the reverse.</exception>
    public static async Task<AggregatorHost> StartAsync(AggregatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var catalog = options.Catalog ?? TaskRunnerCatalog.CreateDefault();
        var strategies = options.Strategies ?? StrategyRegistry.Default;
        var plan = new PlanLoader(options.PlanRegistry ?? catalog.CreatePlanRegistry(strategies)).Load(options.WorkspaceDirectory);
        if (plan.AuthorizedCollaborators.IsDefaultOrEmpty)
        {
            throw new InvalidOperationException("plan/cols.yaml lists no collaborators: certify at least one collaborator before starting the aggregator.");
        }

        if (options.Insecure != !plan.Network.Tls)
        {
            throw new InvalidOperationException(options.Insecure
                ? "--insecure asks for plaintext, but the plan says network.tls: true. Set tls: false and insecure: true in the plan (every party must agree), or drop --insecure."
                : "The plan says network.tls: false; start the aggregator with --insecure to confirm plaintext, or set tls: true.");
        }

        var fqdn = options.Fqdn ?? plan.Network.AggregatorAddress;
        // Configuration comes from the plan, not appsettings.json: without the reload switch the host
        // would watch its content root recursively and wake on every result and checkpoint written
        // under the workspace (5 % of the aggregator's CPU at a 100k model).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);

        NodeCredential? credential = null;
        CollaboratorCertificateValidator? validator = null;
        SslStreamCertificateContext? serverContext = null;
        if (!options.Insecure)
        {
            credential = NodeCredential.LoadAggregator(options.WorkspaceDirectory, fqdn);
            validator = new CollaboratorCertificateValidator(credential.Trust, DatabaseRevocationSource.ForWorkspace(options.WorkspaceDirectory), options.TimeProvider);
            serverContext = credential.CreateCertificateContext();
        }

        var limits = plan.Network.Limits;
        var wire = options.CountWireBytes ? new WireCounter() : null;
        ILogger? handshakeLogger = null;
        var port = options.Port ?? plan.Network.AggregatorPort;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 << 20;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 << 20;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 64;
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(60);
            kestrel.Listen(options.ListenAddress, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (wire is not null)
                {
                    listen.Use(wire.Middleware);
                }

                if (serverContext is not null)
                {
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = serverContext,
                            EnabledSslProtocols = SslProtocols.Tls13,
                            ClientCertificateRequired = true,
                            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                            ApplicationProtocols = [SslApplicationProtocol.Http2],
                            // The handshake itself refuses a peer without a certificate or with one that does not
                            // chain to the federation's CA (OpenFL's require_client_auth): an anonymous client never
                            // reaches HTTP/2. The rest (dates, revocation, common name, authorized list, plan hash) is
                            // judged on every call by CallAuthorizer, whose refusals name the failed check.
                            RemoteCertificateValidationCallback = (_, certificate, _, _) => AcceptsHandshake(validator!, certificate, handshakeLogger),
                        }),
                    });
                }
            });
        });

        builder.Services.AddSingleton(plan);
        builder.Services.AddSingleton(options);
        if (validator is not null)
        {
            builder.Services.AddSingleton(validator);
        }

        builder.Services.AddSingleton(sp => new CallAuthorizer(plan, validator, sp.GetRequiredService<ILogger<CallAuthorizer>>(), options.TimeProvider));
        builder.Services.AddSingleton(new UploadPacer(limits, options.TimeProvider));
        var store = new ResultStore(plan.WorkspaceDirectory, plan.Hash);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(sp => new GrpcGrid(plan, options, store, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Confer.Aggregator")));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue);
            grpc.MaxSendMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue);
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<CallAuthorizer>();
        });

        var app = builder.Build();
        app.MapGrpcService<GridService>();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Confer.Aggregator");
        handshakeLogger = logger;
        foreach (var warning in plan.Warnings)
        {
            AggregatorLog.PlanWarning(logger, warning.ToString());
        }
        if (FaultInjection.Description is { } fault)
        {
            DurabilityLog.FaultArmed(logger, fault, FaultInjection.Variable);
        }

        // The plan's strategy, the one round controller's; refused here, before anything is stored, when it cannot run.
        var aggregation = strategies.Create(plan.Strategy);
        var initialModel = Path.Combine(plan.WorkspaceDirectory, plan.Aggregator.InitStatePath);
        StrategyMemory.EnsureWithinLimit(plan, strategies.Get(plan.Strategy.Name), initialModel);
        var planStrategy = new PlanStrategy(plan, aggregation, loggerFactory);
        var grid = app.Services.GetRequiredService<GrpcGrid>();
        RoundController Controller(IProgress<RoundProgress> progress) => new(planStrategy, grid, new RoundControllerOptions
        {
            Rounds = plan.Aggregator.RoundsToTrain,
            StragglerPolicy = plan.StragglerPolicy,
            Checkpoints = store,
            Listener = new FederationOutputs(plan, store, logger),
            BestModel = PlanStrategy.BestModelCriterion(plan),
            TimeProvider = options.TimeProvider,
            LoggerFactory = loggerFactory,
            Progress = progress,
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var boundPort = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        var address = new Uri($"{(options.Insecure ? "http" : "https")}://{fqdn}:{boundPort}");
        if (options.Insecure)
        {
            AggregatorLog.Insecure(logger, address.ToString());
        }

        AggregatorLog.Listening(logger, address.ToString(), plan.Hash, plan.Aggregator.RoundsToTrain, string.Join(", ", plan.AuthorizedCollaborators));
        return new AggregatorHost(app, plan, grid, Controller, wire, credential, address);
    }

    /// <summary>Stops serving (also mid-federation) and releases the credentials.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception)
        {
            // Completion's failure is the caller's to observe; disposal only cleans up.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _credential?.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        await _controller.RunAsync(_stopping.Token).ConfigureAwait(false);
        await _grid.FinishAsync(_stopping.Token).ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The handshake's check: a certificate that chains to the federation's CA; everything else waits for the call.</summary>
    private static bool AcceptsHandshake(CollaboratorCertificateValidator validator, X509Certificate? certificate, ILogger? logger)
    {
        var result = validator.Validate(certificate);
        if (result.Status is CertificateValidationStatus.MissingCertificate or CertificateValidationStatus.UntrustedIssuer or CertificateValidationStatus.WrongUsage)
        {
            if (logger is not null)
            {
                AggregatorLog.TlsRefused(logger, result.ToString());
            }

            return false;
        }

        return true;
    }

    /// <summary>Records each round's duration as the controller reports it.</summary>
    private sealed class RoundSecondsProgress(List<double> seconds) : IProgress<RoundProgress>
    {
        public void Report(RoundProgress value)
        {
            if (value.Phase == RoundPhase.Completed && value.Record is { } record)
            {
                lock (seconds)
                {
                    seconds.Add(record.Seconds);
                }
            }
        }
    }
}
