using Confer.Core;

namespace Confer.Federation.Controllers.Internal;

/// <summary>
/// Detects a client that wrote into the global model it was given. In-process clients share one
/// instance (copying it for each of thousands of virtual clients would cost more than the round),
/// so one client's write would silently change what the others train on; a copy taken before the
/// phase and compared after it turns that into a clear error. Costs one model copy and one
/// comparison per phase.
/// </summary>
internal sealed class ReadOnlyGuard
{
    private readonly List<(ModelState Shared, ModelState Copy)> _states = [];

    public ReadOnlyGuard(IEnumerable<ModelState> shared)
    {
        foreach (ModelState state in shared)
        {
            if (!_states.Exists(s => ReferenceEquals(s.Shared, state)))
            {
                _states.Add((state, state.Clone()));
            }
        }
    }

    public void Verify(int round, string task)
    {
        foreach ((ModelState shared, ModelState copy) in _states)
        {
            for (int t = 0; t < copy.Count; t++)
            {
                if (!shared[t].Bytes.SequenceEqual(copy[t].Bytes))
                {
                    throw new InvalidOperationException(
                        $"Round {round}: a client changed tensor '{copy[t].Name}' of the global model it received for {task}. Clients must treat the parameters they receive as read-only: copy them (ModelState.Clone) before changing them.");
                }
            }
        }
    }
}
