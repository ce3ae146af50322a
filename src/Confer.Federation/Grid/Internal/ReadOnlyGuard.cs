using System.Buffers;
using Confer.Core;

namespace Confer.Federation.Grid.Internal;

/// <summary>
/// Detects a node that wrote into the arrays it was given. In-process nodes share one
/// instance (copying it for each of thousands of virtual clients would cost more than the round),
/// so one node's write would silently change what the others train on; a copy of its bytes taken
/// at the push and compared when every task of the push is answered turns that into a clear error. Costs one copy and one
/// comparison of the model per push; the copy lives in pooled buffers, so rounds do not allocate a
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

    /// <summary>The name of the first tensor whose bytes changed since the copy, or null when none did.</summary>
    public string? FindChange()
    {
        foreach ((ModelState shared, byte[][] copy) in _states)
        {
            for (int t = 0; t < copy.Length; t++)
            {
                ReadOnlySpan<byte> bytes = shared[t].Bytes;
                if (!bytes.SequenceEqual(copy[t].AsSpan(0, bytes.Length)))
                {
                    return shared[t].Name;
                }
            }
        }

        return null;
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
