using Confer.Federation.Messages;
using Confer.Protos.V2;
using Google.Protobuf;
using Grpc.Core;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A refused call at the gRPC edge: a status for gRPC, and the trailer <see cref="TrailerKey"/>
/// with a <see cref="Failure"/> whose reason code says what was refused. Both sides decide on the
/// code; the text is for people.
/// </summary>
internal static class Refusal
{
    /// <summary>The trailer that carries the serialized <see cref="Failure"/>.</summary>
    public const string TrailerKey = "confer-refusal-bin";

    /// <summary>The exception to throw from a handler or interceptor.</summary>
    public static RpcException Create(StatusCode status, ReasonCode reason, string message)
    {
        var failure = new Failure { Reason = (Protos.V2.ReasonCode)(int)reason, Message = message };
        var trailers = new Metadata { { TrailerKey, failure.ToByteArray() } };
        return new RpcException(new Status(status, message), trailers, message);
    }

    /// <summary>The reason code a refusal carries; <see cref="ReasonCode.Unspecified"/> when it carries none (a transport failure, an old peer).</summary>
    public static ReasonCode ReasonOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Metadata.Entry? entry = exception.Trailers.Get(TrailerKey);
        if (entry is null || !entry.IsBinary)
        {
            return ReasonCode.Unspecified;
        }

        try
        {
            int code = (int)Failure.Parser.ParseFrom(entry.ValueBytes).Reason;
            return Enum.IsDefined(typeof(ReasonCode), code) ? (ReasonCode)code : ReasonCode.Unspecified;
        }
        catch (InvalidProtocolBufferException)
        {
            return ReasonCode.Unspecified;
        }
    }

    /// <summary>A node-side failure as the wire's <see cref="Failure"/>.</summary>
    public static Failure ToProto(MessageError error) => new() { Reason = (Protos.V2.ReasonCode)(int)error.Reason, Message = error.Text };

    /// <summary>The wire's <see cref="Failure"/> as a message error.</summary>
    public static MessageError FromProto(Failure failure)
    {
        int code = (int)failure.Reason;
        return new MessageError(Enum.IsDefined(typeof(ReasonCode), code) ? (ReasonCode)code : ReasonCode.Unspecified, failure.Message);
    }
}
