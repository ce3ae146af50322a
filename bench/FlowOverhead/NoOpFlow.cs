using Confer.Workflow;

namespace FlowOverhead;

/// <summary>The measured flow: no-op steps and a small state, so what is timed is the runtime.</summary>
internal sealed class NoOpFlow : Flow<NoOpFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int Rounds { get; set; } = 10;

    public int Round { get; set; }

    public long Total { get; set; }

    public long Contribution { get; set; }

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Work, @foreach: nameof(Collaborators));
    }

    [Collaborator]
    public void Work()
    {
        Contribution = Steps.Work(Round);
        Next(Join);
    }

    [Aggregator]
    public void Join(IReadOnlyList<NoOpFlow> inputs)
    {
        Total += Steps.Join(inputs.Select(i => i.Contribution));
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
