using Confer.Core;

namespace Confer.Federation.Messages;

/// <summary>
/// The arrays of a <see cref="Message"/> (Flower's <c>ArrayRecord</c>): a model state, held in
/// memory, or read from where a transport keeps it (a received file) only when it is used, so an
/// aggregator can fold one reply after the other into one reused buffer instead of holding every
/// reply's model at once.
/// </summary>
public abstract class ArrayRecord
{
    /// <summary>Initializes a record.</summary>
    protected ArrayRecord()
    {
    }

    /// <summary>
    /// The arrays as one model state when they are held in memory as such (read it, never change
    /// it: it may be shared); <see langword="null"/> when they must be read with
    /// <see cref="ToModelState"/> or <see cref="CopyTo"/>.
    /// </summary>
    public virtual ModelState? InMemory => null;

    /// <summary>Wraps a model state held in memory (not copied).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The record.</returns>
    public static ArrayRecord From(ModelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new InMemoryArrayRecord(state);
    }

    /// <summary>The arrays as a model state: the one in memory, or a new one read from where they are kept.</summary>
    /// <returns>The state.</returns>
    public abstract ModelState ToModelState();

    /// <summary>
    /// Writes the arrays into <paramref name="target"/>, a state of the same layout, without
    /// allocating a model-sized buffer.
    /// </summary>
    /// <param name="target">The state to write into.</param>
    /// <exception cref="ModelStateException">The arrays' layout differs from <paramref name="target"/>'s, or they cannot be read.</exception>
    public virtual void CopyTo(ModelState target)
    {
        ArgumentNullException.ThrowIfNull(target);
        ToModelState().CopyTo(target);
    }

    private sealed class InMemoryArrayRecord(ModelState state) : ArrayRecord
    {
        public override ModelState? InMemory => state;

        public override ModelState ToModelState() => state;
    }
}
