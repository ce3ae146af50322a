namespace Confer.Workflow.Tests.Flows;

#pragma warning disable CA1822 // Steps are instance methods by contract, even when a test step uses no state.

internal sealed class UnplacedStepFlow : Flow<UnplacedStepFlow>
{
    [Aggregator]
    public void Start() => Next(Middle);

    public void Middle() => Next(End);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class UnreachableStepFlow : Flow<UnreachableStepFlow>
{
    [Aggregator]
    public void Start() => Next(End);

    [Aggregator]
    public void Orphan() => Next(End);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class NeverJoinsFlow : Flow<NeverJoinsFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Ping, @foreach: nameof(Collaborators));
    }

    [Collaborator]
    public void Ping() => Next(Pong);

    [Collaborator]
    public void Pong() => Next(Ping);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class CollaboratorToAggregatorStepFlow : Flow<CollaboratorToAggregatorStepFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Next(Work, @foreach: nameof(Collaborators));
    }

    [Collaborator]
    public void Work() => Next(End);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class NoStartFlow : Flow<NoStartFlow>
{
    [Aggregator]
    public void Begin() => Next(End);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class FieldFlow : Flow<FieldFlow>
{
    private int _counter;

    [Aggregator]
    public void Start()
    {
        _counter++;
        Next(End);
    }

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class NextTwiceFlow : Flow<NextTwiceFlow>
{
    public bool Twice { get; set; } = true;

    [Aggregator]
    public void Start()
    {
        Next(Middle);
        if (Twice)
        {
            Next(End);
        }
    }

    [Aggregator]
    public void Middle() => Next(End);

    [Aggregator]
    public void End()
    {
    }
}

internal sealed class BadForeachFlow : Flow<BadForeachFlow>
{
    public int Count { get; set; } = 3;

    public IReadOnlyList<string> Names { get; set; } = ["Portland", "Atlantis"];

    public string Mode { get; set; } = "not-a-collection";

    [Aggregator]
    public void Start()
    {
        if (Mode == "not-a-collection")
        {
            Next(Work, @foreach: nameof(Count));
        }
        else if (Mode == "unknown-name")
        {
            Next(Work, @foreach: nameof(Names));
        }
        else
        {
            Next(Work);
        }
    }

    [Collaborator]
    public void Work() => Next(Join);

    [Aggregator]
    public void Join(IReadOnlyList<BadForeachFlow> inputs) => Next(End);

    [Aggregator]
    public void End()
    {
    }
}
