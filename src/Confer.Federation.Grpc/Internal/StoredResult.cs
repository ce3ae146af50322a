using Confer.Protos.V1;

namespace Confer.Federation.Grpc.Internal;

/// <summary>An acknowledged task result on disk: its header and where its model bytes start.</summary>
internal sealed record StoredResult(ResultHeader Header, string Path, long ModelOffset);
