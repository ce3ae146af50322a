namespace Confer.Workflow.Tests.Flows;

/// <summary>Counts how many collaborator tasks are inside a step at the same moment.</summary>
internal sealed class ConcurrencyProbeFlow : Flow<ConcurrencyProbeFlow>
{
    private static readonly Lock Gate = new();
    private static int _inside;

    public static int MaxInside { get; set; }

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Heavy, @foreach: nameof(Collaborators));
    }

    [Collaborator(Cpus = 3, Gpus = 1)]
    public void Heavy()
    {
        int now = Interlocked.Increment(ref _inside);
        lock (Gate)
        {
            MaxInside = Math.Max(MaxInside, now);
        }

        double x = 0;
        for (int i = 0; i < 200_000; i++)
        {
            x += Math.Sqrt(i);
        }

        Interlocked.Decrement(ref _inside);
        Next(Join);
    }

    [Aggregator]
    public void Join(IReadOnlyList<ConcurrencyProbeFlow> inputs) => Next(End);

    [Aggregator]
    public void End()
    {
    }
}
