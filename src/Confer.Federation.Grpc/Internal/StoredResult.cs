using Confer.Protos.V2;

namespace Confer.Federation.Grpc.Internal;

/// <summary>An acknowledged reply on disk: its header and where its arrays' bytes start.</summary>
internal sealed record StoredResult(ReplyHeader Header, string Path, long ModelOffset);
