using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Grpc.Internal;
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
/// A running aggregator: Kestrel serving the federation's gRPC service over mutual TLS 1.3, and
/// the round controller. <see cref="Completion"/> ends when every round is trained and the
/// collaborators have been told to quit.
/// </summary>
public sealed class AggregatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PlanRoundController _controller;
    private readonly WireCounter? _wire;
    private readonly NodeCredential? _credential;
    private readonly CancellationTokenSource _stopping = new();

    private AggregatorHost(WebApplication app, PlanRoundController controller, WireCounter? wire, NodeCredential? credential, Uri address)
    {
        _app = app;
        _controller = controller;
        _wire = wire;
        _credential = credential;
        Address = address;
        Completion = RunAsync();
    }

    /// <summary>The address the aggregator listens on (with the actual port when port 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The federation id the aggregator serves.</summary>
    public string PlanHash => _controller.Plan.Hash;

    /// <summary>Ends when the federation is over; faults when the aggregator fails.</summary>
    public Task Completion { get; }

    /// <summary>The duration of each finished round in seconds, from the aggregator's clock.</summary>
    public IReadOnlyList<double> RoundSeconds => _controller.RoundSeconds;

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
        var plan = new PlanLoader(options.PlanRegistry ?? catalog.CreatePlanRegistry()).Load(options.WorkspaceDirectory);
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
                            // A client certificate is asked for, but judged on every call by CallAuthorizer (chain to the
                            // federation CA, dates, revocation, common name, authorized list) before any handler runs: a
                            // refused handshake reaches the client as a bare connection error, a refused call as a status
                            // naming the failed check (Unauthenticated "MissingCertificate: ...", "UntrustedIssuer: ...").
                            RemoteCertificateValidationCallback = (_, _, _, _) => true,
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
        builder.Services.AddSingleton(sp => new PlanRoundController(plan, options, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Confer.Aggregator")));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue);
            grpc.MaxSendMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue);
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<CallAuthorizer>();
        });

        var app = builder.Build();
        app.MapGrpcService<AggregatorGrpcService>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Confer.Aggregator");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var boundPort = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        var address = new Uri($"{(options.Insecure ? "http" : "https")}://{fqdn}:{boundPort}");
        if (options.Insecure)
        {
            AggregatorLog.Insecure(logger, address.ToString());
        }

        AggregatorLog.Listening(logger, address.ToString(), plan.Hash, plan.Aggregator.RoundsToTrain, string.Join(", ", plan.AuthorizedCollaborators));
        var controller = app.Services.GetRequiredService<PlanRoundController>();
        return new AggregatorHost(app, controller, wire, credential, address);
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
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
