using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confer.Federation.Grpc.Internal;
using Confer.Federation.TaskRunners;
using Confer.Pki;
using Confer.Plan;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc;

/// <summary>
/// A collaborator: a node of the federation's gRPC grid. It dials out to the aggregator,
/// long-polls for task messages, downloads each round's global model once (chunked,
/// hash-checked), hands each task to the plan's task runner (<see cref="TaskRunnerMessageHandler"/>),
/// pushes each reply (chunked, keyed by the task's id), reconnects with exponential backoff and
/// jitter, and returns when the aggregator says the federation is over. It decides on the reason
/// codes of refusals, never on their text.
/// </summary>
public static class CollaboratorHost
{
    /// <summary>Runs the collaborator until the federation is over.</summary>
    /// <param name="options">The workspace, name and how to run.</param>
    /// <param name="cancellationToken">Stops the collaborator.</param>
    /// <returns>0 when told the federation is over; 1 when refused by the aggregator or when reconnecting gave up.</returns>
    public static async Task<int> RunAsync(CollaboratorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Confer.Collaborator");
        var catalog = options.Catalog ?? TaskRunnerCatalog.CreateDefault();
        var plan = new PlanLoader(options.PlanRegistry ?? catalog.CreatePlanRegistry(options.Strategies)).Load(options.WorkspaceDirectory);
        foreach (var warning in plan.Warnings)
        {
            CollaboratorLog.PlanWarning(logger, warning.ToString());
        }
        if (options.Insecure != !plan.Network.Tls)
        {
            throw new InvalidOperationException(options.Insecure
                ? "--insecure asks for plaintext, but the plan says network.tls: true."
                : "The plan says network.tls: false; start with --insecure to confirm plaintext, or set tls: true.");
        }

        var address = options.AggregatorAddress ?? new Uri($"{(options.Insecure ? "http" : "https")}://{plan.Network.AggregatorAddress}:{plan.Network.AggregatorPort.ToString(CultureInfo.InvariantCulture)}");
        using var credential = options.Insecure ? null : NodeCredential.LoadCollaborator(options.WorkspaceDirectory, options.Name);
        using var channel = CreateChannel(plan, address, credential, options.TimeProvider);
        CollaboratorLog.Connecting(logger, options.Name, address.ToString(), plan.Hash);
        if (options.Insecure)
        {
            CollaboratorLog.Insecure(logger, options.Name, address.ToString());
        }

        var data = plan.CollaboratorData.TryGetValue(options.Name, out var d) ? d : null;
        using var handler = new TaskRunnerMessageHandler(plan, catalog.Create(new TaskRunnerContext(plan, options.Name, data, loggerFactory)));
        var session = new CollaboratorSession(plan, options, address, new Protos.V2.Grid.GridClient(channel), handler, credential, logger);
        try
        {
            return await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (Refusal.ReasonOf(ex) is var reason && IsAboutWhoCalls(reason))
        {
            CollaboratorLog.Refused(logger, options.Name, reason.ToString(), ex.Status.Detail);
            return 1;
        }
        catch (RpcException ex) when (Refusal.ReasonOf(ex) is var reason && reason != ReasonCode.Unspecified)
        {
            // The aggregator checked what this collaborator sent and refused it: not a network
            // failure to retry, and not worth a stack trace.
            CollaboratorLog.ResultRefused(logger, options.Name, reason.ToString(), ex.Status.Detail);
            return 1;
        }
        catch (HandshakeRefusedException ex)
        {
            CollaboratorLog.HandshakeRefused(logger, options.Name, ex.Address.ToString(), ex.Certificate, ex.InnerException?.Message ?? "connection closed before HTTP/2");
            return 1;
        }
        catch (GlobalModelUnusableException ex)
        {
            CollaboratorLog.ModelUnusable(logger, options.Name, ex.Message);
            return 1;
        }
        catch (AggregatorUnreachableException ex)
        {
            CollaboratorLog.GaveUp(logger, options.Name, ex.Address.ToString(), ex.Tried.TotalSeconds, ex.Timeout.TotalSeconds, ex.InnerException?.Message ?? "no answer");
            return 1;
        }
    }

    /// <summary>A refusal of the caller itself (its certificate, name, authorization, plan): retrying or sending other results cannot help.</summary>
    private static bool IsAboutWhoCalls(ReasonCode reason) => reason is ReasonCode.MissingCertificate or ReasonCode.UntrustedCertificate
        or ReasonCode.ExpiredCertificate or ReasonCode.RevokedCertificate or ReasonCode.NameMismatch or ReasonCode.UnknownCollaborator
        or ReasonCode.WrongPlanHash or ReasonCode.WrongCodeHash or ReasonCode.MissingHeader;

    private static GrpcChannel CreateChannel(FederationPlan plan, Uri address, NodeCredential? credential, TimeProvider time)
    {
        var limits = plan.Network.Limits;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            InitialHttp2StreamWindowSize = 4 << 20,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        if (credential is not null)
        {
            var validator = new AggregatorCertificateValidator(credential.Trust, time);
            var host = address.Host;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificateContext = credential.CreateCertificateContext(),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => validator.Validate(certificate, host).IsAccepted,
            };
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue),
            MaxSendMessageSize = (int)Math.Min(limits.MaxMessageSize, int.MaxValue),
            MaxRetryAttempts = 0,
        });
    }
}
