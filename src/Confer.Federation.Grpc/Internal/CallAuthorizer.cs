using Confer.Pki;
using Confer.Plan;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Checks every call before the service sees it: the client certificate (chain to the federation
/// CA, dates, revocation), its common name against the claimed collaborator, the authorized list,
/// the plan hash, and the collaborator's request rate (<see cref="RateLimiter"/>). A refusal names
/// the check that failed. A request stream that does not parse as the method's messages is refused
/// with <see cref="StatusCode.InvalidArgument"/>.
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
            throw Refuse(context, StatusCode.InvalidArgument, $"collaborator '{CollaboratorIdentity.Get(context)}' sent a request stream that is not a valid {typeof(TRequest).Name} message: {(ex.InnerException ?? ex).Message}");
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
            throw Refuse(context, StatusCode.Unauthenticated, $"the request has no '{FederationHeaders.Collaborator}' header naming the collaborator");
        }

        if (validator is not null)
        {
            var certificate = context.GetHttpContext().Connection.ClientCertificate;
            var result = validator.Validate(certificate, claimed, plan.AuthorizedCollaborators);
            if (!result.IsAccepted)
            {
                var status = result.Status switch
                {
                    CertificateValidationStatus.NameMismatch or CertificateValidationStatus.NotAuthorized or CertificateValidationStatus.Revoked => StatusCode.PermissionDenied,
                    _ => StatusCode.Unauthenticated,
                };
                throw Refuse(context, status, $"{result.Status}: {result.Message}");
            }
        }
        else if (!plan.IsAuthorized(claimed))
        {
            throw Refuse(context, StatusCode.PermissionDenied, $"NotAuthorized: collaborator '{claimed}' is not in plan/cols.yaml");
        }

        if (!string.Equals(hash, plan.Hash, StringComparison.Ordinal))
        {
            throw Refuse(context, StatusCode.FailedPrecondition, $"plan hash mismatch: yours {(string.IsNullOrEmpty(hash) ? "(none)" : hash)}, aggregator's {plan.Hash}");
        }

        if (!_rate.TryAcquire(claimed))
        {
            throw Refuse(context, StatusCode.ResourceExhausted, _rate.Describe(claimed));
        }

        context.UserState[CollaboratorIdentity.Key] = claimed;
    }

    // grpc-dotnet reports a message that fails to parse as an InvalidOperationException or InvalidDataException wrapping the parser's error.
    private static bool IsMalformed(Exception ex) =>
        ex is Google.Protobuf.InvalidProtocolBufferException || ex.InnerException is Google.Protobuf.InvalidProtocolBufferException;

    private RpcException Refuse(ServerCallContext context, StatusCode status, string message)
    {
        AggregatorLog.CallRefused(logger, context.Method, context.Peer, status.ToString(), message);
        return new RpcException(new Status(status, message));
    }
}
