using Confer.Pki;
using Confer.Plan;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Checks every call before the service sees it: the client certificate (chain to the federation
/// CA, dates, revocation), its common name against the claimed collaborator, the authorized list,
/// the plan hash, and the collaborator's request rate (<see cref="RateLimiter"/>). A refusal carries
/// the reason code of the check that failed (<see cref="Refusal"/>) and a text naming it. A request
/// stream that does not parse as the method's messages is refused as malformed.
/// </summary>
internal sealed class CallAuthorizer(FederationPlan plan, CollaboratorCertificateValidator? validator, ILogger<CallAuthorizer> logger, TimeProvider time) : Interceptor
{
    private readonly RateLimiter _rate = new(plan.Network.Limits, time);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Refuse(context, StatusCode.InvalidArgument, ReasonCode.Malformed, $"collaborator '{CollaboratorIdentity.Get(context)}' sent a request stream that is not a valid {typeof(TRequest).Name} message: {(ex.InnerException ?? ex).Message}");
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    private void Authorize(ServerCallContext context)
    {
        var claimed = context.RequestHeaders.GetValue(FederationHeaders.Collaborator);
        var hash = context.RequestHeaders.GetValue(FederationHeaders.PlanHash);
        if (string.IsNullOrEmpty(claimed))
        {
            throw Refuse(context, StatusCode.Unauthenticated, ReasonCode.MissingHeader, $"the request has no '{FederationHeaders.Collaborator}' header naming the collaborator");
        }

        if (validator is not null)
        {
            var certificate = context.GetHttpContext().Connection.ClientCertificate;
            var result = validator.Validate(certificate, claimed, plan.AuthorizedCollaborators);
            if (!result.IsAccepted)
            {
                var (status, reason) = result.Status switch
                {
                    CertificateValidationStatus.NameMismatch => (StatusCode.PermissionDenied, ReasonCode.NameMismatch),
                    CertificateValidationStatus.NotAuthorized => (StatusCode.PermissionDenied, ReasonCode.UnknownCollaborator),
                    CertificateValidationStatus.Revoked or CertificateValidationStatus.UnknownCertificate => (StatusCode.PermissionDenied, ReasonCode.RevokedCertificate),
                    CertificateValidationStatus.Expired or CertificateValidationStatus.NotYetValid => (StatusCode.Unauthenticated, ReasonCode.ExpiredCertificate),
                    CertificateValidationStatus.MissingCertificate => (StatusCode.Unauthenticated, ReasonCode.MissingCertificate),
                    _ => (StatusCode.Unauthenticated, ReasonCode.UntrustedCertificate),
                };
                throw Refuse(context, status, reason, $"{result.Status}: {result.Message}");
            }
        }
        else if (!plan.IsAuthorized(claimed))
        {
            throw Refuse(context, StatusCode.PermissionDenied, ReasonCode.UnknownCollaborator, $"NotAuthorized: collaborator '{claimed}' is not in plan/cols.yaml");
        }

        var code = context.RequestHeaders.GetValue(FederationHeaders.CodeHash);
        if (!string.Equals(NoneIfEmpty(code), plan.CodeHash, StringComparison.Ordinal))
        {
            throw Refuse(context, StatusCode.FailedPrecondition, ReasonCode.WrongCodeHash,
                $"workspace code mismatch: your code/ hashes to {NoneIfEmpty(code) ?? "(no code)"}, the aggregator's to {plan.CodeHash ?? "(no code)"}. "
                + "Both sides must run the same code/: import the aggregator's current workspace export again");
        }

        if (!string.Equals(hash, plan.Hash, StringComparison.Ordinal))
        {
            throw Refuse(context, StatusCode.FailedPrecondition, ReasonCode.WrongPlanHash, $"plan hash mismatch: yours {(string.IsNullOrEmpty(hash) ? "(none)" : hash)}, aggregator's {plan.Hash}");
        }

        if (!_rate.TryAcquire(claimed))
        {
            throw Refuse(context, StatusCode.ResourceExhausted, ReasonCode.RateLimited, _rate.Describe(claimed));
        }

        context.UserState[CollaboratorIdentity.Key] = claimed;
    }

    // grpc-dotnet reports a message that fails to parse as an InvalidOperationException or InvalidDataException wrapping the parser's error.
    private static bool IsMalformed(Exception ex) =>
        ex is Google.Protobuf.InvalidProtocolBufferException || ex.InnerException is Google.Protobuf.InvalidProtocolBufferException;

    private RpcException Refuse(ServerCallContext context, StatusCode status, ReasonCode reason, string message)
    {
        AggregatorLog.CallRefused(logger, context.Method, context.Peer, reason.ToString(), message);
        return Refusal.Create(status, reason, message);
    }

    private static string? NoneIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
