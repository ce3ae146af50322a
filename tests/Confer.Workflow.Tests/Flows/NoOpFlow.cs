namespace Confer.Workflow.Tests.Flows;

/// <summary>The benchmark's shape: no-op steps, small state, many collaborators, several rounds.</summary>
internal sealed class NoOpFlow : Flow<NoOpFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int Rounds { get; set; } = 2;

    public int Round { get; set; }

    public int Counter { get; set; }

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Work, @foreach: nameof(Collaborators));
    }

    [Collaborator(Cpus = 1)]
    public void Work()
    {
        Counter++;
        Next(Join);
    }

    [Aggregator]
    public void Join(IReadOnlyList<NoOpFlow> inputs)
    {
        Counter = inputs.Sum(i => i.Counter);
        Round++;
        if (Round < Rounds)
        {
            Next(Work, @foreach: nameof(Collaborators));
        }
        else
        {
            Next(End);
        }
    }

    [Aggregator]
    public void End()
    {
    }
}
