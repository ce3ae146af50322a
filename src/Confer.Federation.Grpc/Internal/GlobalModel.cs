using System.Security.Cryptography;
using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>A round's global model with its serialized bytes, made once per round and streamed to every collaborator.</summary>
internal sealed class GlobalModel
{
    public GlobalModel(ModelState state)
    {
        State = state;
        Bytes = ModelStateSerializer.Serialize(state);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Bytes));
    }

    public ModelState State { get; }

    public byte[] Bytes { get; }

    public string Sha256 { get; }
}
