using System.Buffers;
using Confer.Core;

namespace Confer.Federation.Controllers.Internal;

/// <summary>
/// Detects a client that wrote into the global model it was given. In-process clients share one
/// instance (copying it for each of thousands of virtual clients would cost more than the round),
/// so one client's write would silently change what the others train on; a copy of its bytes taken
/// before the phase and compared after it turns that into a clear error. Costs one copy and one
/// comparison of the model per phase; the copy lives in pooled buffers, so rounds do not allocate a
/// model-sized array each (which would land on the large object heap and force full collections).
/// </summary>
internal sealed class ReadOnlyGuard : IDisposable
{
    private readonly List<(ModelState Shared, byte[][] Copy)> _states = [];

    public ReadOnlyGuard(IEnumerable<ModelState> shared)
    {
        foreach (ModelState state in shared)
        {
            if (!_states.Exists(s => ReferenceEquals(s.Shared, state)))
            {
                var copy = new byte[state.Count][];
                for (int t = 0; t < state.Count; t++)
                {
                    ReadOnlySpan<byte> bytes = state[t].Bytes;
                    copy[t] = ArrayPool<byte>.Shared.Rent(bytes.Length);
                    bytes.CopyTo(copy[t]);
                }

                _states.Add((state, copy));
            }
        }
    }

    public void Verify(int round, string task)
    {
        foreach ((ModelState shared, byte[][] copy) in _states)
        {
            for (int t = 0; t < copy.Length; t++)
            {
                ReadOnlySpan<byte> bytes = shared[t].Bytes;
                if (!bytes.SequenceEqual(copy[t].AsSpan(0, bytes.Length)))
                {
                    throw new InvalidOperationException(
                        $"Round {round}: a client changed tensor '{shared[t].Name}' of the global model it received for {task}. Clients must treat the parameters they receive as read-only: copy them (ModelState.Clone) before changing them.");
                }
            }
        }
    }

    public void Dispose()
    {
        foreach ((_, byte[][] copy) in _states)
        {
            foreach (byte[] buffer in copy)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _states.Clear();
    }
}
