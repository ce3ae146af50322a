using System.Globalization;
using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// A round's global model with its encoding, made once per round and streamed to every
/// collaborator. The bytes carry the round in their metadata, so each round's model has its own
/// hash: a collaborator downloads every round's model once, even when the weights did not move.
/// </summary>
internal sealed class GlobalModel
{
    public GlobalModel(ModelState state, int round)
    {
        State = state;
        Encoded = SegmentedModelState.Create(state, new Dictionary<string, string> { ["round"] = round.ToString(CultureInfo.InvariantCulture) });
        Sha256 = Convert.ToHexStringLower(Encoded.ComputeSha256());
    }

    public ModelState State { get; }

    /// <summary>The bytes sent to collaborators: views of <see cref="State"/>'s buffers, which nothing changes.</summary>
    public SegmentedModelState Encoded { get; }

    public string Sha256 { get; }
}
