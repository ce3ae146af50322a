using System.Globalization;
using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Arrays pushed with task messages (a round's global model) with their encoding, made once per
/// push and streamed to every collaborator that needs them. The bytes carry the round in their
/// metadata, so each round's model has its own hash: a collaborator downloads every round's model
/// once, even when the weights did not move.
/// </summary>
internal sealed class PushedArrays
{
    public PushedArrays(ModelState state, int round)
    {
        State = state;
        Encoded = SegmentedModelState.Create(state, new Dictionary<string, string> { ["round"] = round.ToString(CultureInfo.InvariantCulture) });
        Sha256 = Convert.ToHexStringLower(Encoded.ComputeSha256());
    }

    private readonly Lock _gate = new();
    private int _readers;
    private bool _retired;

    public ModelState State { get; }

    /// <summary>The bytes sent to collaborators: views of <see cref="State"/>'s buffers, which nothing changes while a <see cref="Lease"/> is held.</summary>
    public SegmentedModelState Encoded { get; }

    public string Sha256 { get; }

    /// <summary>Holds the buffers for a download; null once the arrays were retired (their round is over).</summary>
    public Lease? TryLease()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return null;
            }

            _readers++;
            return new Lease(this);
        }
    }

    /// <summary>
    /// Refuses new leases; true when no download holds the model any more, so its buffers may be
    /// written over (the aggregator computes a later round's global model into them).
    /// </summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            _retired = true;
            return _readers == 0;
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _readers--;
        }
    }

    /// <summary>A download's hold on the model's buffers.</summary>
    public sealed class Lease(PushedArrays model) : IDisposable
    {
        private int _released;

        public PushedArrays Model { get; } = model;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Model.Release();
            }
        }
    }
}
