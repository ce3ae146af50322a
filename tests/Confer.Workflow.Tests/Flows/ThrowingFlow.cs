namespace Confer.Workflow.Tests.Flows;

internal sealed class ThrowingFlow : Flow<ThrowingFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    [Private]
    public string? Secret { get; set; }

    [Private]
    public double[]? LocalData { get; set; }

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Work, @foreach: nameof(Collaborators));
    }

    [Collaborator]
    public void Work()
    {
        if (Input == "Chandler")
        {
            throw new InvalidOperationException("Chandler's disk is full.");
        }

        Next(Join);
    }

    [Aggregator]
    public void Join(IReadOnlyList<ThrowingFlow> inputs) => Next(End);

    [Aggregator]
    public void End()
    {
    }
}
