namespace Confer.Federation.Tests.TestSupport;

/// <summary>Counts clients created and released, and the most alive at once.</summary>
internal sealed class InstanceCounter
{
    private int _alive;
    private int _maxAlive;
    private int _created;

    public int Alive => Volatile.Read(ref _alive);

    public int MaxAlive => Volatile.Read(ref _maxAlive);

    public int CreatedCount => Volatile.Read(ref _created);

    public void Created()
    {
        Interlocked.Increment(ref _created);
        int alive = Interlocked.Increment(ref _alive);
        int max;
        while (alive > (max = Volatile.Read(ref _maxAlive)) && Interlocked.CompareExchange(ref _maxAlive, alive, max) != max)
        {
        }
    }

    public void Released() => Interlocked.Decrement(ref _alive);
}
