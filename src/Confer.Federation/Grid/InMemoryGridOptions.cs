namespace Confer.Federation.Grid;

/// <summary>How an <see cref="InMemoryGrid"/> runs its nodes' handlers.</summary>
public sealed record InMemoryGridOptions
{
    private readonly int _maxParallel = Environment.ProcessorCount;

    /// <summary>The most tasks at work at once; at least 1. Default: the number of processor cores.</summary>
    public int MaxParallel
    {
        get => _maxParallel;
        init => _maxParallel = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxParallel), value, "At least one task must be able to run.");
    }
}
