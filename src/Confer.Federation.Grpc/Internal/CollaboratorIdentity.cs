using Grpc.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>Who a call was proven to come from, put on the call by <see cref="CallAuthorizer"/>.</summary>
internal static class CollaboratorIdentity
{
    public const string Key = "confer-collaborator";

    public static string Get(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var name) && name is string s ? s : throw new InvalidOperationException("The call was not authorized.");
}
