using System.Globalization;
using System.Security.Cryptography;
using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A round's global model with its serialized bytes, made once per round and streamed to every
/// collaborator. The bytes carry the round in their metadata, so each round's model has its own
/// hash: a collaborator downloads every round's model once, even when the weights did not move.
/// </summary>
internal sealed class GlobalModel
{
    public GlobalModel(ModelState state, int round)
    {
        State = state;
        Bytes = ModelStateSerializer.Serialize(state, new Dictionary<string, string> { ["round"] = round.ToString(CultureInfo.InvariantCulture) });
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Bytes));
    }

    public ModelState State { get; }

    public byte[] Bytes { get; }

    public string Sha256 { get; }
}
